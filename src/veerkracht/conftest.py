"""Shared fixtures. Tests live beside the code in each app's tests/ folder."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.testing import factories


def verified_client(user: User) -> Client:
    """A test client logged in with password and second factor."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None, "make_staff gives every user a confirmed device"
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture(autouse=True)
def _english_outside_requests():  # type: ignore[no-untyped-def]
    """Messages raised outside a request are in English in every test, whatever a request in an
    earlier test on the same worker activated (the middleware activates the user's language
    per request). A test about Dutch text asks for it with translation.override("nl")."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The demo (``seed_demo``) seeded once for all tests of a module that ask for it; yields what the
    command printed. The seed runs in a transaction that is rolled back after the module, and each
    test runs in a savepoint inside it (the ``db`` fixture, which every test using this one needs as
    well), so what one test changes is undone before the next. Seeding takes 15-25 seconds: this is
    what keeps the suite fast."""
    out = io.StringIO()
    with django_db_blocker.unblock(), translation.override("en"), transaction.atomic():
        with override_settings(DEMO_MODE=True):
            call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def org_a(db):  # type: ignore[no-untyped-def]
    region = factories.RegionFactory(name="Regio Noord", code="RN")
    org = factories.OrganisationFactory(name="Opvang Noord", short_code="NRD")
    org.regions.add(region)
    return org


@pytest.fixture
def org_b(db):  # type: ignore[no-untyped-def]
    region = factories.RegionFactory(name="Regio Zuid", code="RZ")
    org = factories.OrganisationFactory(name="Opvang Zuid", short_code="ZUI")
    org.regions.add(region)
    return org


@pytest.fixture
def location_a(org_a):  # type: ignore[no-untyped-def]
    return factories.LocationFactory(organisation=org_a, name="De Linde", region=org_a.regions.first())


@pytest.fixture
def location_b(org_b):  # type: ignore[no-untyped-def]
    return factories.LocationFactory(organisation=org_b, name="Het Anker", region=org_b.regions.first())


@pytest.fixture
def staff(db) -> Callable[..., User]:  # type: ignore[no-untyped-def]
    """staff(role, organisation) -> a user with membership and a confirmed device."""
    return factories.make_staff


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    return verified_client


@pytest.fixture
def child_a(org_a, location_a):  # type: ignore[no-untyped-def]
    household = factories.HouseholdFactory(organisation=org_a)
    child = factories.PersonFactory(household=household, first_name="Noor", last_name="Jansen")
    factories.StayFactory(person=child, location=location_a)
    return child


@pytest.fixture
def child_b(org_b, location_b):  # type: ignore[no-untyped-def]
    household = factories.HouseholdFactory(organisation=org_b)
    child = factories.PersonFactory(household=household, first_name="Sem", last_name="de Vries")
    factories.StayFactory(person=child, location=location_b)
    return child


@pytest.fixture
def kinderwerker_a(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.KINDERWERKER, org_a, username="kw_a")


@pytest.fixture
def kinderwerker_b(org_b, staff):  # type: ignore[no-untyped-def]
    return staff(Role.KINDERWERKER, org_b, username="kw_b")
