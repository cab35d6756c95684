"""Consent tests: methodologies loaded, a family with a pathway; users read English."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.clients.models import Authority, PersonKind
from veerkracht.conftest import verified_client
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.testing import factories


def years_ago(years: int, days_short: int = 0, today: datetime.date | None = None) -> datetime.date:
    """A birth date ``years`` years before today, less ``days_short`` days: years_ago(12, 1) is a child of
    11 years and 364 days (29 February becomes 28 February)."""
    today = today or timezone.localdate()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:
        birthday = today.replace(year=today.year - years, day=28)
    return birthday + datetime.timedelta(days=days_short)


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
    return staff(Role.KINDERWERKER, org_a, username="kw_consent", first_name="Wendy", last_name="Werker")


@pytest.fixture
def scientist(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_consent", first_name="Gerda", last_name="Wetenschap")


@pytest.fixture
def make_family(methodologies, org_a, location_a, worker):  # type: ignore[no-untyped-def]
    """make_family(birth_date, mother="yes", father="yes"|None) -> child, mother, father, pathway."""

    def make(birth_date: datetime.date | None, mother: str | None = Authority.YES, father: str | None = Authority.YES):
        household = factories.HouseholdFactory(organisation=org_a)
        child = factories.PersonFactory(household=household, first_name="Noor", last_name="Jansen", birth_date=birth_date)
        stay = factories.StayFactory(person=child, location=location_a)
        family = SimpleNamespace(child=child, mother=None, father=None, household=household)
        if mother is not None:
            family.mother = factories.PersonFactory(
                household=household, kind=PersonKind.MOTHER, first_name="Fatima", last_name="Jansen",
                birth_date=datetime.date(1988, 3, 3),
            )
            factories.ParentChildFactory(parent=family.mother, child=child, authority=mother)
        if father is not None:
            family.father = factories.PersonFactory(
                household=household, kind=PersonKind.FATHER, first_name="Karim", last_name="Jansen",
                birth_date=datetime.date(1985, 5, 5), client_number=None,
            )
            factories.ParentChildFactory(parent=family.father, child=child, authority=father)
        family.pathway = create_pathway_for_stay(stay, actor=worker)
        return family

    return make
