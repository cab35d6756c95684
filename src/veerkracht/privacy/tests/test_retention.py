"""Retention: purge_expired anonymises expired households; monitoring figures stay the same."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import ExtractYear

from veerkracht.audit.models import Action, AuditEvent
from veerkracht.clients.models import ParentChild, Person, PersonKind, Stay
from veerkracht.privacy import retention
from veerkracht.privacy.models import Anonymisation
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def _household(org, location, *, admitted, discharged, names=("Mila", "Daan")):  # type: ignore[no-untyped-def]
    household = factories.HouseholdFactory(organisation=org)
    mother = factories.PersonFactory(household=household, kind=PersonKind.MOTHER, first_name="Moeder", last_name=names[0] + "sma",
                                     birth_date=datetime.date(1980, 5, 17))
    children = []
    for name in names:
        child = factories.PersonFactory(household=household, first_name=name, last_name=names[0] + "huis",
                                        birth_date=datetime.date(admitted.year - 6, 8, 23))
        factories.StayFactory(person=child, location=location, admission_date=admitted, discharge_date=discharged,
                              destination="own_home")
        factories.ParentChildFactory(parent=mother, child=child, authority="yes", authority_checked_on=admitted)
        children.append(child)
    factories.StayFactory(person=mother, location=location, admission_date=admitted, discharge_date=discharged)
    return household, mother, children


def _children_admitted_per_year() -> dict[int, int]:
    rows = (
        Stay.objects.filter(person__kind=PersonKind.CHILD)
        .annotate(year=ExtractYear("admission_date"))
        .values("year")
        .annotate(n=Count("id"))
    )
    return {r["year"]: r["n"] for r in rows}


def _age_groups() -> dict[int, int]:
    groups: dict[int, int] = {}
    for stay in Stay.objects.filter(person__kind=PersonKind.CHILD).select_related("person"):
        age = stay.admission_date.year - stay.person.birth_date.year
        groups[age] = groups.get(age, 0) + 1
    return groups


@pytest.fixture
def world(org_a, location_a, child_a):  # type: ignore[no-untyped-def]
    old = _household(org_a, location_a, admitted=datetime.date(2004, 3, 1), discharged=datetime.date(2005, 2, 1))
    recent = _household(org_a, location_a, admitted=datetime.date(2015, 3, 1), discharged=datetime.date(2015, 9, 1),
                        names=("Sara",))
    # old, but one member is back in care: no purge
    back = _household(org_a, location_a, admitted=datetime.date(2003, 1, 1), discharged=datetime.date(2003, 6, 1),
                      names=("Lars",))
    factories.StayFactory(person=back[2][0], location=location_a, admission_date=datetime.date(2026, 1, 1))
    return {"old": old, "recent": recent, "back": back}


def test_cutoff_is_settings_driven(settings):
    settings.RETENTION_YEARS = 20
    assert retention.cutoff_date(TODAY) == datetime.date(2006, 6, 1)
    settings.RETENTION_YEARS_BY_TYPE = {"youth_care_record": 15}
    assert retention.cutoff_date(TODAY) == datetime.date(2011, 6, 1)
    assert retention.years_before(datetime.date(2024, 2, 29), 21) == datetime.date(2003, 2, 28)


def test_dry_run_changes_nothing(world):
    before = list(Person.objects.order_by("pk").values())
    events_before = AuditEvent.objects.count()
    out = StringIO()
    call_command("purge_expired", "--today", TODAY.isoformat(), stdout=out)
    output = out.getvalue()
    assert "dry run" in output
    assert "1 households, 3 persons" in output
    assert "child: 2" in output and "mother: 1" in output
    assert list(Person.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == events_before
    assert not Anonymisation.objects.exists()


def test_apply_anonymises_expired_households_only(world, child_a):
    old_household, mother, children = world["old"]
    admitted_before = _children_admitted_per_year()
    ages_before = _age_groups()
    stays_before = list(Stay.objects.order_by("pk").values("pk", "admission_date", "discharge_date", "reason", "location_id",
                                                           "destination", "care_type"))
    out = StringIO()
    call_command("purge_expired", "--apply", "--today", TODAY.isoformat(), stdout=out)
    assert "Anonymised: 1 households, 3 persons" in out.getvalue()

    for person in [mother, *children]:
        person.refresh_from_db()
        assert person.first_name == "Geanonimiseerd"
        assert person.client_number == f"ANON-{person.pk}"
        assert person.birth_date.month == 1 and person.birth_date.day == 1
    names = set(Person.objects.values_list("first_name", flat=True)) | set(Person.objects.values_list("last_name", flat=True))
    assert not {"Mila", "Daan", "Milahuis", "Milasma"} & names
    assert not ParentChild.objects.filter(child__household=old_household, authority_checked_on__isnull=False).exists()
    # untouched: recent discharge, someone back in care, the child in care now
    for person in [world["recent"][1], *world["recent"][2], world["back"][1], child_a]:
        person.refresh_from_db()
        assert person.first_name != "Geanonimiseerd"
    # monitoring: the same stays, the same counts per year and per age group
    assert _children_admitted_per_year() == admitted_before
    assert _age_groups() == ages_before
    assert list(Stay.objects.order_by("pk").values("pk", "admission_date", "discharge_date", "reason", "location_id",
                                                   "destination", "care_type")) == stays_before
    # one audit event per person, with the changed fields and no name
    events = AuditEvent.objects.filter(action=Action.DELETE).order_by("id")
    assert sorted(e.client_id for e in events) == sorted(p.pk for p in [mother, *children])
    assert all("first_name" in e.changed_fields and "birth_date" in e.changed_fields for e in events)
    assert all(e.username == "system:purge_expired" for e in events)


def test_apply_is_idempotent(world):
    call_command("purge_expired", "--apply", "--today", TODAY.isoformat(), stdout=StringIO())
    count = AuditEvent.objects.filter(action=Action.DELETE).count()
    out = StringIO()
    call_command("purge_expired", "--apply", "--today", TODAY.isoformat(), stdout=out)
    assert "0 households, 0 persons" in out.getvalue()
    assert AuditEvent.objects.filter(action=Action.DELETE).count() == count


def test_retention_years_from_settings_moves_the_line(world, settings):
    settings.RETENTION_YEARS = 10
    out = StringIO()
    call_command("purge_expired", "--today", TODAY.isoformat(), stdout=out)
    assert "2 households, 5 persons" in out.getvalue()
