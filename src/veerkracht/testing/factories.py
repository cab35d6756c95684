"""Factories for tests: synthetic data only (Faker nl_NL)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.clients.models import CareType, Household, ParentChild, Person, PersonKind, Stay, StayReason
from veerkracht.organisations.models import Location, Membership, Organisation, Region, Team

factory.Faker._DEFAULT_LOCALE = "nl_NL"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Regio {n}")
    code = factory.Sequence(lambda n: f"R{n:03d}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Vrouwenopvang {n}")
    short_code = factory.Sequence(lambda n: f"O{n}")

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.regions.set(extracted)


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Huis {n}")
    region = factory.SubFactory(RegionFactory)
    address = factory.Faker("address")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


# The shared test dossiers name their child "Noor"; tests check that "Noor" never reaches a page
# it must not reach. A staff member called Noortje or Noor would make those checks fail by chance.
_RESERVED_NAME_PARTS = ("noor",)


def _staff_first_name() -> str:
    fake = factory.Faker._get_faker(locale="nl_NL")
    while True:
        name = fake.first_name()
        if not any(part in name.lower() for part in _RESERVED_NAME_PARTS):
            return name


def _staff_last_name() -> str:
    fake = factory.Faker._get_faker(locale="nl_NL")
    while True:
        name = fake.last_name()
        if not any(part in name.lower() for part in _RESERVED_NAME_PARTS):
            return name


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyFunction(_staff_first_name)
    last_name = factory.LazyFunction(_staff_last_name)
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            self.save()


def make_staff(role: str, organisation: Organisation | None = None, *, region: Region | None = None, **user_kwargs) -> User:  # type: ignore[no-untyped-def]
    """A user with a membership and a confirmed TOTP device."""
    user = UserFactory(**user_kwargs)
    if role == Role.GEMEENTE:
        Membership.objects.create(user=user, role=role, region=region or RegionFactory())
    else:
        Membership.objects.create(user=user, role=role, organisation=organisation or OrganisationFactory())
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    user.__dict__.pop("_membership_cache", None)
    return user


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"H-{n:06d}")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    organisation = factory.SelfAttribute("household.organisation")
    kind = PersonKind.CHILD
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    birth_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365 * 8))
    client_number = factory.Sequence(lambda n: f"C-{n:06d}")


class StayFactory(DjangoModelFactory):
    class Meta:
        model = Stay

    person = factory.SubFactory(PersonFactory)
    location = factory.SubFactory(LocationFactory, organisation=factory.SelfAttribute("..person.organisation"))
    care_type = CareType.RESIDENTIAL
    admission_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    reason = StayReason.DOMESTIC_VIOLENCE


class ParentChildFactory(DjangoModelFactory):
    class Meta:
        model = ParentChild

    parent = factory.SubFactory(PersonFactory, kind=PersonKind.MOTHER)
    child = factory.SubFactory(PersonFactory, household=factory.SelfAttribute("..parent.household"))
