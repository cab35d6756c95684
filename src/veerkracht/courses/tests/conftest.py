"""Course tests: methodologies loaded, organisation A with a worker and a trainer, children aged 8;
users read English."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.conftest import verified_client
from veerkracht.courses.models import CourseTemplate
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
def worker(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.KINDERWERKER, org_a, username="kw_a")


@pytest.fixture
def trainer(org_a, staff):  # type: ignore[no-untyped-def]
    return staff(Role.MENTOR, org_a, username="trainer_a")


@pytest.fixture
def worker_b(org_b, staff):  # type: ignore[no-untyped-def]
    return staff(Role.KINDERWERKER, org_b, username="kw_b")


@pytest.fixture
def en_nu_ik(db):  # type: ignore[no-untyped-def]
    return CourseTemplate.objects.get(code="en-nu-ik", organisation=None)


@pytest.fixture
def storm(db):  # type: ignore[no-untyped-def]
    return CourseTemplate.objects.get(code="storm-en-spetters", organisation=None)


def give_plan_consent(pathway, actor):  # type: ignore[no-untyped-def]
    """Everyone whose consent is missing for the help plan gives it (today, in person)."""
    from veerkracht.consent.queries import status_for_pathway
    from veerkracht.consent.services import do_record_consent

    for code in ("action_plan", "plan_guidance"):
        status = status_for_pathway(pathway).get(code)
        for person in list(status.missing) + list(status.to_check) if status else []:
            do_record_consent(pathway, subject_code=code, given_by=person, decision="given",
                              date=timezone.localdate(), how="in_person", actor=actor)


@pytest.fixture
def make_child(methodologies, org_a, location_a, staff):  # type: ignore[no-untyped-def]
    """make_child(age=8, organisation=org_a, location=location_a, mother=True, consent=True) -> a child
    with a stay and a pathway (and a mother with parental authority; consent for the help plan given)."""
    from veerkracht.pathway.services import create_pathway_for_stay

    def make(age: int = 8, organisation=None, location=None, mother: bool = True, consent: bool = True,
             **kwargs):  # type: ignore[no-untyped-def]
        organisation = organisation or org_a
        location = location or location_a
        household = factories.HouseholdFactory(organisation=organisation)
        birth = timezone.localdate() - datetime.timedelta(days=365 * age + 100)
        child = factories.PersonFactory(household=household, birth_date=birth, **kwargs)
        stay = factories.StayFactory(person=child, location=location)
        if mother:
            parent = factories.PersonFactory(household=household, kind="mother")
            factories.ParentChildFactory(parent=parent, child=child, authority="yes",
                                         authority_checked_on=timezone.localdate())
        admin = staff(Role.TEAMLEIDER, organisation)
        pathway = create_pathway_for_stay(stay, actor=admin)
        if consent:
            give_plan_consent(pathway, admin)
        return child

    return make
