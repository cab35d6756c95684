"""The fact rows against the hand-counted world of conftest.py; refresh scope, query bound, no personal data."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import Stay
from veerkracht.monitoring import facts
from veerkracht.monitoring.models import AgeGroup, ChildStayFact, age_group
from veerkracht.organisations.models import Location
from veerkracht.pathway.models import Pathway

from .conftest import TODAY, D

pytestmark = pytest.mark.django_db

BOOLEANS = ("has_intake", "intake_on_time", "safety_plan", "screened", "above_cutoff", "referred",
            "referral_started", "father_contact_attempted", "father_contact_realised", "father_not_safe",
            "network_mapped", "help_plan", "help_plan_evaluation_due", "help_plan_evaluated_on_time",
            "parent_support", "course_enrolled", "course_completed", "course_t1_measured", "course_t1_improved",
            "course_t2_measured", "course_t2_improved", "meldcode_consulted", "meldcode_reported")

EXPECTED_TRUE = {
    "p1": set(BOOLEANS) - {"father_not_safe", "course_t2_improved"},
    "p2": {"has_intake", "screened", "father_not_safe", "help_plan", "help_plan_evaluation_due"},
    "p3": {"referred", "father_contact_attempted"},
    "p4": {"has_intake", "intake_on_time", "screened", "network_mapped", "parent_support", "course_enrolled"},
}


def _facts(world):  # type: ignore[no-untyped-def]
    facts.refresh(today=TODAY)
    return {name: ChildStayFact.objects.get(pathway_id=getattr(world, name).pk) for name in ("p1", "p2", "p3", "p4")}


def test_every_boolean_fact_as_hand_counted(world):  # type: ignore[no-untyped-def]
    rows = _facts(world)
    for name, row in rows.items():
        got = {field for field in BOOLEANS if getattr(row, field)}
        assert got == EXPECTED_TRUE[name], name


def test_stay_facts_as_hand_counted(world):  # type: ignore[no-untyped-def]
    rows = _facts(world)
    p1, p2, p3, p4 = rows["p1"], rows["p2"], rows["p3"], rows["p4"]
    assert (p1.year, p1.quarter, p1.age_group, p1.care_type) == (2025, 1, "4-6", "24h")
    assert (p2.year, p2.quarter, p2.age_group, p2.care_type) == (2025, 3, "7-11", "ambulant")
    assert (p3.year, p3.quarter, p3.age_group) == (2024, 4, "12-17")
    assert (p4.year, p4.quarter, p4.age_group) == (2025, 1, "unknown")
    assert [r.days_to_intake for r in (p1, p2, p3, p4)] == [4, 16, None, 0]
    assert [r.intake_on for r in (p1, p2, p3, p4)] == [D(2025, 2, 14), D(2025, 9, 5), None, D(2025, 1, 15)]
    assert [r.length_of_stay_days for r in (p1, p2, p3, p4)] == [80, None, 30, 10]
    assert [r.destination for r in (p1, p2, p3, p4)] == ["own_home", "", "family", "other_shelter"]
    assert [r.discharged_on for r in (p1, p2)] == [D(2025, 5, 1), None]
    assert (p1.organisation_id, p1.region_id, p1.location_id) == (
        world.org_a.pk, world.location_a.region_id, world.location_a.pk)
    assert (p3.organisation_id, p3.region_id, p3.location_id) == (
        world.org_b.pk, world.location_b.region_id, world.location_b.pk)


@pytest.mark.parametrize(("age", "group"), [
    (None, AgeGroup.UNKNOWN), (0, "0-3"), (3, "0-3"), (4, "4-6"), (6, "4-6"), (7, "7-11"), (11, "7-11"),
    (12, "12-17"), (17, "12-17"),
])
def test_age_groups(age, group):  # type: ignore[no-untyped-def]
    assert age_group(age) == group


def test_help_plan_evaluation_not_yet_due_while_open(world):  # type: ignore[no-untyped-def]
    """p2's plan was adopted on 01-09-2025: its first evaluation is due on 13-10-2025."""
    facts.refresh(today=D(2025, 10, 12))
    row = ChildStayFact.objects.get(pathway_id=world.p2.pk)
    assert (row.help_plan, row.help_plan_evaluation_due, row.help_plan_evaluated_on_time) == (True, False, False)


def test_refresh_replaces_and_keeps_facts_of_deleted_pathways(world):  # type: ignore[no-untyped-def]
    assert facts.refresh(today=TODAY) == {"written": 4, "replaced": 0}
    assert facts.refresh(today=TODAY) == {"written": 4, "replaced": 4}
    assert ChildStayFact.objects.count() == 4
    gone = world.p3.pk
    Pathway.objects.filter(pk=gone).delete()
    assert facts.refresh(today=TODAY) == {"written": 3, "replaced": 3}
    # the figures of the past survive: no foreign key, the row of the deleted pathway stays
    assert ChildStayFact.objects.filter(pathway_id=gone, year=2024).exists()


def test_refresh_since_covers_only_stays_open_on_or_after(world):  # type: ignore[no-untyped-def]
    facts.refresh(today=TODAY)
    result = facts.refresh(since=D(2025, 4, 1), today=TODAY)
    assert result == {"written": 2, "replaced": 2}  # p1 (discharged 01-05-2025) and p2 (open)
    refreshed = set(ChildStayFact.objects.order_by("-refreshed_at").values_list("pathway_id", flat=True)[:2])
    assert refreshed == {world.p1.pk, world.p2.pk}
    assert ChildStayFact.objects.count() == 4


def test_refresh_is_audited_with_counts_only(world):  # type: ignore[no-untyped-def]
    before = AuditEvent.objects.count()
    facts.refresh(today=TODAY)
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert len(events) == 1
    event = events[0]
    assert event.object_type == "monitoring.childstayfact"
    assert event.detail == "written=4 replaced=0 since=all"
    assert event.client_id is None and event.client_number == ""


def test_fact_row_holds_no_personal_data(world):  # type: ignore[no-untyped-def]
    facts.refresh(today=TODAY)
    child = world.p1.stay.person
    location = Location.objects.get(pk=world.location_a.pk)
    field_names = {f.name for f in ChildStayFact._meta.get_fields()}
    for forbidden in ("name", "first_name", "last_name", "birth_date", "client_number", "address", "gender",
                      "person_id", "household_id", "secret_address"):
        assert forbidden not in field_names
    assert not any(f.is_relation for f in ChildStayFact._meta.get_fields())
    values = [str(v) for row in ChildStayFact.objects.values() for v in row.values()]
    for secret in (child.first_name, child.last_name, child.client_number, str(child.birth_date),
                   child.birth_date.strftime("%d-%m-%Y"), location.name):
        assert all(secret not in value for value in values), secret


def _make_pathways(make_child, location, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        make_child(location, D(2025, 1, 1) + datetime.timedelta(days=i), age=i % 17)


def test_refresh_query_count_does_not_grow(make_child, location_a):  # type: ignore[no-untyped-def]
    _make_pathways(make_child, location_a, 3)
    with CaptureQueriesContext(connection) as few:
        facts.refresh(today=TODAY)
    _make_pathways(make_child, location_a, 27)
    with CaptureQueriesContext(connection) as many:
        assert facts.refresh(today=TODAY)["written"] == 30
    assert len(many) == len(few)
    # the years touched, delete, 3 course queries, the annotated select, one insert per batch, the audit event
    # (previous hash, insert; PostgreSQL adds its advisory lock), the savepoints of the nested transactions
    # (13 on PostgreSQL), then the national publications: delete, the facts' stamps, 5 aggregates, the look-up,
    # delete and insert, and their slices: the look-up and one insert
    assert len(many) <= 28


def test_command_prints_counts(world, capsys):  # type: ignore[no-untyped-def]
    call_command("refresh_monitoring")
    assert capsys.readouterr().out.strip() == "written=4 replaced=0"
    call_command("refresh_monitoring", "--since", "2025-04-01")
    assert capsys.readouterr().out.strip() == "written=2 replaced=2"


def test_command_refuses_a_bad_date(db):  # type: ignore[no-untyped-def]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("refresh_monitoring", "--since", "1-4-2025")


def test_task_does_the_same_work(world):  # type: ignore[no-untyped-def]
    from veerkracht.monitoring.tasks import refresh_monitoring_task

    assert refresh_monitoring_task.call(since="2025-04-01") == {"written": 2, "replaced": 0}
    assert set(ChildStayFact.objects.values_list("pathway_id", flat=True)) == {world.p1.pk, world.p2.pk}


def test_an_open_stay_moved_to_another_location_counts_at_its_current_location(world, location_b):  # type: ignore[no-untyped-def]
    Stay.objects.filter(pk=world.p2.stay_id).update(location=location_b)
    facts.refresh(today=TODAY)
    row = ChildStayFact.objects.get(pathway_id=world.p2.pk)
    assert (row.organisation_id, row.location_id) == (location_b.organisation_id, location_b.pk)


def test_no_reliability_no_course_outcome(world):  # type: ignore[no-untyped-def]
    from veerkracht.courses.models import InstrumentReliability

    InstrumentReliability.objects.all().delete()
    row = _facts(world)["p1"]
    assert (row.course_enrolled, row.course_completed) == (True, True)
    assert not (row.course_t1_measured or row.course_t1_improved or row.course_t2_measured or row.course_t2_improved)


def test_a_reliable_deterioration_on_another_instrument_is_not_an_improvement(world):  # type: ignore[no-untyped-def]
    from veerkracht.courses.models import Enrolment, InstrumentReliability, Measurement

    from .conftest import screening

    enrolments = {e.child_id: e for e in Enrolment.objects.filter(group=world.group)}
    for child_id, totals in ((world.p1.stay.person_id, {"T0": 10, "T1": 30}),
                             (world.p2.stay.person_id, {"T0": 20, "T1": 21})):
        enrolment = enrolments[child_id]
        pathway = world.p1 if child_id == world.p1.stay.person_id else world.p2
        for timepoint, total in totals.items():
            Measurement.objects.create(enrolment=enrolment, timepoint=timepoint, instrument_id="cats-caregiver-7-17",
                                       due_on=world.group.start_date,
                                       administration=screening(pathway, world.group.start_date, total=total))
    InstrumentReliability.objects.create(organisation=world.org_a, template=world.template,
                                         instrument_id="cats-caregiver-7-17", reliability="0.800", source="x")
    row = _facts(world)["p1"]
    # caregiver: T0 SD 7.07, p1 +20 -> RCI 4.47 (reliably worse): measured at T1, not improved
    assert (row.course_t1_measured, row.course_t1_improved) == (True, False)


@pytest.mark.parametrize("values", [[30, 20], [1, 2, 3, 4], [5, 5, 5], [0, 40, 17, 3, 9]])
def test_sample_sd_from_sums_equals_courses_stats(values):  # type: ignore[no-untyped-def]
    from veerkracht.courses import stats

    got = facts._sample_sd(len(values), sum(values), sum(v * v for v in values))
    assert got == pytest.approx(stats.sd(values), abs=1e-12)
    assert facts._sample_sd(1, 7, 49) is None


def test_refresh_in_small_batches_writes_every_row(world, monkeypatch):  # type: ignore[no-untyped-def]
    """Reading the pathways in chunks while inserting batches on the same connection (a server-side
    cursor on PostgreSQL)."""
    monkeypatch.setattr(facts, "BATCH_SIZE", 1)
    assert facts.refresh(today=TODAY) == {"written": 4, "replaced": 0}
    assert set(ChildStayFact.objects.values_list("pathway_id", flat=True)) == {
        world.p1.pk, world.p2.pk, world.p3.pk, world.p4.pk}
