"""Help plan tests: methodologies loaded, a child with a pathway; users read English."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.conftest import verified_client
from veerkracht.pathway.services import create_pathway_for_stay


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
def worker(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.KINDERWERKER, org_a, username="kw_a")


@pytest.fixture
def colleague(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.MENTOR, org_a, username="mentor_a")


@pytest.fixture
def gw(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_a")


@pytest.fixture
def pathway(methodologies, child_a, worker):  # type: ignore[no-untyped-def]
    return create_pathway_for_stay(child_a.stays.get(), actor=worker)
