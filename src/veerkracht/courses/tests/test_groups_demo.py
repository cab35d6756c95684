"""The demo seed opens completed groups with attendance and measurements (T0, T1 and a past T2) and a running
group, through the services; the effect report of the oldest group shows real-looking results."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import ParentChild, Person, Stay, age_on
from veerkracht.consent.models import ConsentRecord
from veerkracht.consent.services import do_record_consent
from veerkracht.courses import effect
from veerkracht.courses.demo import RELIABILITY_SOURCE, seed
from veerkracht.courses.models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Group,
    GroupStatus,
    InstrumentReliability,
    Measurement,
    Timepoint,
)
from veerkracht.pathway.models import Pathway
from veerkracht.screening.models import Signal
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def seeded(make_child, worker, org_a, staff):  # type: ignore[no-untyped-def]
    """Four children in care for more than a year (the oldest group fits them), ten admitted 100 days ago
    (one whose consent for the help plan is not recorded yet, one whose mother refused it), two a month ago
    (only the running group started after their admission) and one of them without consent; the
    organisation's gedragswetenschapper; then the seed."""
    today = timezone.localdate()
    long_stay = [make_child(age=age) for age in (9, 10, 11, 8)]
    recent = [make_child(age=age) for age in (5, 6, 6, 7, 8, 9, 10, 11, 5, 4)]
    consent_later, refused = make_child(age=8, consent=False), make_child(age=9, consent=False)
    # a father whose authority is unknown: the consent demo's example (the first such child) stays as it is,
    # for the second the worker checks the register before the course
    showcase, to_check = make_child(age=8), make_child(age=9)
    # turned 12 a month ago, consent not recorded: now the child consents too, but not a week before the start
    turned_12 = make_child(age=12, consent=False)
    Person.objects.filter(pk=turned_12.pk).update(birth_date=today.replace(year=today.year - 12) - 30 * DAY)
    for child in (showcase, to_check):
        father = factories.PersonFactory(household=child.household, kind="father")
        factories.ParentChildFactory(parent=father, child=child, authority="unknown")
    newcomers = [make_child(age=age) for age in (8, 9)]
    without_consent = make_child(age=9, consent=False)
    Stay.objects.filter(person__in=long_stay).update(admission_date=today - 400 * DAY)
    Stay.objects.filter(person__in=[*recent, consent_later, refused, showcase, to_check, turned_12]).update(
        admission_date=today - 100 * DAY)
    Stay.objects.filter(person__in=[*newcomers, without_consent]).update(admission_date=today - 30 * DAY)
    mother = refused.household.members.get(kind="mother")
    do_record_consent(Pathway.objects.get(stay__person=refused), subject_code="action_plan", given_by=mother,
                      decision="refused", date=today, how="in_person", actor=worker)
    staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_a")
    pathways = list(Pathway.objects.select_related("stay__person").order_by("pk"))
    counts = seed(pathways, actor=worker, today=today, rng=random.Random(3))
    return counts, long_stay, (without_consent, refused, consent_later, showcase, to_check, turned_12)


def test_seed_makes_completed_groups_with_attendance(seeded):  # type: ignore[no-untyped-def]
    counts, _long_stay, (without_consent, refused, consent_later, showcase, to_check, turned_12) = seeded
    assert counts["groups"] == Group.objects.count() >= 3
    assert set(Group.objects.values_list("status", flat=True)) == {GroupStatus.COMPLETED, GroupStatus.RUNNING}
    completed = Group.objects.filter(status=GroupStatus.COMPLETED)
    assert completed.count() == 3
    for group in completed:
        assert group.enrolments.exists()
        assert not group.sessions.filter(attendances__isnull=True).exists()  # every session recorded
    assert Enrolment.objects.filter(group__in=completed, status=EnrolmentStatus.COMPLETED).exists()
    assert counts["dropouts"] == Enrolment.objects.filter(status=EnrolmentStatus.DROPPED_OUT).count() >= 1
    assert counts["present"] == Attendance.objects.filter(present=True).count() > 0
    # the running group takes no child without consent; a refusal is respected; for a completed group the
    # parents gave the consent not recorded yet (a week before the start); a child joins one group
    assert not Enrolment.objects.filter(child__in=[without_consent, refused, showcase, turned_12]).exists()
    assert not ConsentRecord.objects.filter(pathway__stay__person=turned_12).exists()  # nothing half recorded
    assert ParentChild.objects.get(child=showcase, parent__kind="father").authority == "unknown"
    checked = ParentChild.objects.get(child=to_check, parent__kind="father")
    assert (checked.authority, checked.authority_checked_on) == ("no", timezone.localdate() - 70 * DAY)  # a week before the start
    assert Enrolment.objects.get(child=to_check).group.name == "En nu ik...! groep 2"
    later = Enrolment.objects.select_related("group").get(child=consent_later)
    assert later.group.status == GroupStatus.COMPLETED
    assert counts["consent_records"] == ConsentRecord.objects.filter(
        pathway__stay__person=consent_later, date=later.group.start_date - 7 * DAY).count() > 0
    children = list(Enrolment.objects.values_list("child_id", flat=True))
    assert len(children) == len(set(children))
    # every enrolled child fits the course's ages on the start date and was in care before it
    for enrolment in Enrolment.objects.select_related("group__template", "child"):
        age = age_on(enrolment.child.birth_date, enrolment.group.start_date)
        assert enrolment.group.template.min_age <= age <= enrolment.group.template.max_age
        assert enrolment.child.stays.get().admission_date <= enrolment.group.start_date
    # the gedragswetenschapper set the reliabilities and decided the course signals but the latest
    settings = InstrumentReliability.objects.all()
    assert counts["reliabilities"] == settings.count() >= 2
    assert {s.source for s in settings} == {RELIABILITY_SOURCE}
    assert AuditEvent.objects.filter(username="gw_a", detail__startswith="course reliability").count() \
        == settings.count()
    signals = Signal.objects.filter(administration__course_measurements__isnull=False)
    assert signals.count() == counts["clinical"] >= 2
    assert counts["signals_decided"] == signals.exclude(decision="").count() == signals.count() - 1


def test_measurements_t0_t1_and_a_past_t2_in_the_effect_report(seeded):  # type: ignore[no-untyped-def]
    counts, long_stay, _others = seeded
    today = timezone.localdate()
    oldest = Group.objects.get(name="En nu ik...! groep 1")
    assert set(oldest.enrolments.values_list("child_id", flat=True)) == {c.pk for c in long_stay}
    reports = effect.group_report(oldest)
    self_report = next(r for r in reports if r.instrument_id == "cats-self-7-17")
    assert [row.n > 0 for row in self_report.timepoints] == [True, True, True]
    t0, t1, t2 = (row.mean for row in self_report.timepoints)
    assert t1 < t0 and t2 < t0  # most children improve and stay improved
    for change in self_report.changes:
        assert change.n > 0 and change.d is not None and change.d < 0
        assert change.rci is not None and change.rci.n == change.n
        assert change.rci.improved >= 1
    assert self_report.reliability is not None and self_report.reliability.source == RELIABILITY_SOURCE
    assert any(r.above_at_t1 for r in reports)  # some children are still above the cut-off at T1
    # the dropout's T1 and T2 stay planned; every T2 entered is past its due date, none lies in the future
    dropped = oldest.enrolments.filter(status=EnrolmentStatus.DROPPED_OUT)
    assert not Measurement.objects.filter(enrolment__in=dropped, timepoint=Timepoint.T1,
                                          administration__isnull=False).exists()
    for m in Measurement.objects.filter(timepoint=Timepoint.T2, administration__isnull=False).select_related(
            "administration"):
        assert m.due_on <= m.administration.administered_on <= today
    assert counts["measurements_entered"] == Measurement.objects.filter(administration__isnull=False).count()
    # a recent group leaves its T2 ahead planned; T0 lies before the course, not before admission
    recent = Group.objects.get(name="En nu ik...! groep 2")
    t2 = Measurement.objects.filter(enrolment__group=recent, timepoint=Timepoint.T2)
    assert t2.exists() and not t2.filter(administration__isnull=False).exists()
    assert all(m.due_on > today for m in t2)
    assert Measurement.objects.filter(enrolment__group=recent, timepoint=Timepoint.T1,
                                      administration__isnull=False).exists()
    for m in Measurement.objects.filter(timepoint=Timepoint.T0, administration__isnull=False).select_related(
            "administration__pathway__stay", "enrolment__group"):
        assert m.administration.pathway.stay.admission_date <= m.administration.administered_on <= m.due_on
        assert m.due_on >= m.enrolment.group.start_date
    running = Group.objects.get(status=GroupStatus.RUNNING)
    assert Measurement.objects.filter(enrolment__group=running, timepoint=Timepoint.T0,
                                      administration__isnull=False).exists()
    assert not Measurement.objects.filter(enrolment__group=running, timepoint=Timepoint.T1,
                                          administration__isnull=False).exists()
