"""Meldcode tests: children with a pathway in organisation A; users read English."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.conftest import verified_client
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.testing import factories


@pytest.fixture
def client_for():  # type: ignore[no-untyped-def]
    def make(user: User):  # type: ignore[no-untyped-def]
        User.objects.filter(pk=user.pk).update(language="en")
        user.language = "en"
        return verified_client(user)

    return make


@pytest.fixture
def methodologies(db):  # type: ignore[no-untyped-def]
    call_command("load_methodologies", verbosity=0)


@pytest.fixture
def worker(staff, org_a):  # type: ignore[no-untyped-def]
    return staff(Role.KINDERWERKER, org_a, username="kw_a", first_name="Kim", last_name="Werker")


@pytest.fixture
def make_pathway(methodologies, org_a, location_a, worker):  # type: ignore[no-untyped-def]
    """make_pathway(birth_date=..., admission=...) -> a child's pathway in organisation A."""

    def make(*, birth_date: datetime.date | None = None, admission: datetime.date | None = None):  # type: ignore[no-untyped-def]
        household = factories.HouseholdFactory(organisation=org_a)
        child = factories.PersonFactory(
            household=household, birth_date=birth_date or timezone.localdate() - datetime.timedelta(days=365 * 8)
        )
        stay = factories.StayFactory(
            person=child, location=location_a,
            admission_date=admission or timezone.localdate() - datetime.timedelta(days=10),
        )
        return create_pathway_for_stay(stay, actor=worker)

    return make
