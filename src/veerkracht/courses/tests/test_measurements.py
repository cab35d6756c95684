"""Planning T0/T1/T2 and entering a measurement through the screening service."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.courses import measurements
from veerkracht.courses.models import (
    CourseTemplate,
    Enrolment,
    EnrolmentStatus,
    Group,
    Measurement,
    Session,
    SessionKind,
    Timepoint,
)
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.screening.models import Administration
from veerkracht.testing import factories


@pytest.fixture
def course(db):  # type: ignore[no-untyped-def]
    return CourseTemplate.objects.create(
        code="test-course", name="Testcursus", min_age=6, max_age=12, sessions=3, minutes=90, max_children=8,
        instruments=["cats-self-7-17"])


def weekly_sessions(group: Group, first: datetime.date, count: int) -> list[Session]:
    return [Session.objects.create(group=group, number=n + 1, date=first + datetime.timedelta(weeks=n),
                                   kind=SessionKind.CHILD) for n in range(count)]


@pytest.fixture
def group(course, org_a):  # type: ignore[no-untyped-def]
    return Group.objects.create(template=course, organisation=org_a, name="Groep Noord",
                                start_date=datetime.date(2026, 9, 1), max_children=8)


@pytest.fixture
def enrolment(group, child_a):  # type: ignore[no-untyped-def]
    return Enrolment.objects.create(group=group, child=child_a)


@pytest.fixture
def pathway(methodologies, child_a, worker):  # type: ignore[no-untyped-def]
    return create_pathway_for_stay(child_a.stays.get(), actor=worker)


def cats_answers(total: int) -> dict[str, str]:
    data = {f"e{n}": "yes" for n in range(1, 16)} | {f"f{n}": "no" for n in range(1, 6)}
    for n in range(1, 21):
        data[f"s{n}"] = str(min(3, max(0, total - 3 * (n - 1))))
    return data


@pytest.mark.parametrize(("day", "months", "expected"), [
    (datetime.date(2026, 11, 3), 6, datetime.date(2027, 5, 3)),
    (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),  # no 31 February: the last day
    (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),  # leap year
    (datetime.date(2026, 6, 30), 6, datetime.date(2026, 12, 30)),
])
def test_add_months(day, months, expected):
    assert measurements.add_months(day, months) == expected


def test_due_dates_follow_the_sessions_not_the_make_up(group):
    weekly_sessions(group, datetime.date(2026, 9, 1), 3)  # 1, 8 and 15 September
    Session.objects.create(group=group, number=1, date=datetime.date(2026, 9, 22), kind=SessionKind.CHILD,
                           is_makeup=True)
    Session.objects.create(group=group, number=1, date=datetime.date(2026, 9, 29), kind=SessionKind.PARENT)
    assert measurements.due_dates(group) == {
        Timepoint.T0: datetime.date(2026, 9, 1),  # before the first session
        Timepoint.T1: datetime.date(2026, 9, 15),  # after the last children's session
        Timepoint.T2: datetime.date(2027, 3, 15),  # six months after the last session
    }


def test_due_dates_without_sessions_assume_weekly_sessions_from_the_start(group):
    # template: 3 sessions -> last on 1 September + 2 weeks = 15 September
    assert measurements.due_dates(group)[Timepoint.T1] == datetime.date(2026, 9, 15)
    assert measurements.due_dates(group)[Timepoint.T2] == datetime.date(2027, 3, 15)


def test_plan_creates_three_time_points_per_enrolled_child_once(group, enrolment, worker, child_a):
    dropped = Enrolment.objects.create(group=group, child=factories.PersonFactory(
        household=child_a.household, first_name="Bram", last_name="Jansen"), status=EnrolmentStatus.DROPPED_OUT, dropout_reason="left")
    weekly_sessions(group, datetime.date(2026, 9, 1), 3)
    created = measurements.do_plan_measurements(group, actor=worker)
    assert sorted((m.timepoint, m.due_on) for m in created) == [
        ("T0", datetime.date(2026, 9, 1)), ("T1", datetime.date(2026, 9, 15)), ("T2", datetime.date(2027, 3, 15))]
    assert not Measurement.objects.filter(enrolment=dropped).exists()
    assert measurements.do_plan_measurements(group, actor=worker) == []  # again: nothing doubled
    # a session moved: the open measurements follow
    Session.objects.filter(group=group, number=3).update(date=datetime.date(2026, 9, 29))
    measurements.do_plan_measurements(group, actor=worker)
    assert Measurement.objects.get(enrolment=enrolment, timepoint="T2").due_on == datetime.date(2027, 3, 29)
    assert AuditEvent.objects.filter(detail__startswith="course measurements planned").count() == 3


def test_plan_leaves_out_an_instrument_the_child_is_too_young_for(group, enrolment, worker, child_a):
    child_a.birth_date = datetime.date(2020, 10, 1)  # 5 at T0: CATS self-report is for 7-17
    child_a.save()
    assert measurements.do_plan_measurements(group, actor=worker) == []


def test_plan_is_refused_to_another_organisation(group, enrolment, org_b, staff):
    with pytest.raises(PermissionDenied):
        measurements.do_plan_measurements(group, actor=staff(Role.MENTOR, org_b, username="mentor_b"))
    assert not Measurement.objects.exists()


def test_record_measurement_stores_the_screening_and_links_it(group, enrolment, worker, pathway):
    measurements.do_plan_measurements(group, actor=worker)
    t0 = Measurement.objects.get(timepoint="T0")
    measurements.do_record_measurement(t0, actor=worker, administered_on=timezone.localdate(),
                                       answers=cats_answers(24))
    t0.refresh_from_db()
    assert t0.administration.total == 24 and t0.administration.pathway == pathway
    assert AuditEvent.objects.filter(detail="course measurement T0 cats-self-7-17").count() == 1
    with pytest.raises(ValidationError):
        measurements.do_record_measurement(t0, actor=worker, administered_on=timezone.localdate(),
                                           answers=cats_answers(10))
    assert Administration.objects.count() == 1


def test_record_measurement_bad_answers_save_nothing(group, enrolment, worker, pathway):
    measurements.do_plan_measurements(group, actor=worker)
    t1 = Measurement.objects.get(timepoint="T1")
    with pytest.raises(ValidationError):
        measurements.do_record_measurement(t1, actor=worker, administered_on=timezone.localdate(),
                                           answers={"s1": "7"})
    t1.refresh_from_db()
    assert t1.administration is None and not Administration.objects.exists()


def test_record_measurement_needs_an_open_pathway(group, enrolment, worker):
    measurements.do_plan_measurements(group, actor=worker)
    with pytest.raises(ValidationError):
        measurements.do_record_measurement(Measurement.objects.get(timepoint="T0"), actor=worker,
                                           administered_on=timezone.localdate(), answers=cats_answers(5))
