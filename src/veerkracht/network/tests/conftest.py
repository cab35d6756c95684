"""Network tests: methodologies loaded, a child with a pathway and parents; users read English."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.clients.models import PersonKind
from veerkracht.conftest import verified_client
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.testing import factories


@pytest.fixture
def methodologies(db):  # type: ignore[no-untyped-def]
    call_command("load_methodologies", verbosity=0)


@pytest.fixture
def client_for():  # type: ignore[no-untyped-def]
    def make(user: User):  # type: ignore[no-untyped-def]
        User.objects.filter(pk=user.pk).update(language="en")
        user.language = "en"
        return verified_client(user)

    return make


@pytest.fixture
def mentor_a(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.MENTOR, org_a, username="mentor_a")


@pytest.fixture
def family(methodologies, child_a, mentor_a):  # type: ignore[no-untyped-def]
    """child_a with a pathway, a mother and a father linked as parents."""
    household = child_a.household
    mother = factories.PersonFactory(household=household, kind=PersonKind.MOTHER, first_name="Fatima")
    father = factories.PersonFactory(household=household, kind=PersonKind.FATHER, first_name="Karim", client_number=None)
    factories.ParentChildFactory(parent=mother, child=child_a)
    factories.ParentChildFactory(parent=father, child=child_a)
    pathway = create_pathway_for_stay(child_a.stays.get(), actor=mentor_a)
    return {"child": child_a, "mother": mother, "father": father, "pathway": pathway, "user": mentor_a}
