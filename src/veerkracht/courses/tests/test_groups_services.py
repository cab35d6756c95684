"""Group courses: groups from templates, enrolment rules (full, age, consent, other organisation),
attendance, dropout and make-up sessions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from veerkracht.audit.models import AuditEvent
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.courses import queries, services
from veerkracht.courses.models import (
    Attendance,
    CourseTemplate,
    Enrolment,
    EnrolmentStatus,
    GroupStatus,
    Session,
    SessionKind,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def new_group(template, actor, *, start=None, **extra):  # type: ignore[no-untyped-def]
    return services.do_create_group(template=template, name="Groep voorjaar", start_date=start or TODAY() - 70 * DAY,
                                    actor=actor, meeting_place="Buurthuis De Ster, Lindelaan 4", **extra)


def test_the_three_shipped_templates_are_loaded():
    shipped = {t.code: t for t in CourseTemplate.objects.filter(organisation=None)}
    assert set(shipped) == {"en-nu-ik", "jij-hoort-erbij", "storm-en-spetters"}
    en_nu_ik, storm = shipped["en-nu-ik"], shipped["storm-en-spetters"]
    assert (en_nu_ik.min_age, en_nu_ik.max_age, en_nu_ik.sessions, en_nu_ik.minutes, en_nu_ik.max_children,
            en_nu_ik.parent_sessions) == (6, 12, 9, 90, 8, 9)
    assert shipped["jij-hoort-erbij"].focus_on_violence is False and en_nu_ik.focus_on_violence is True
    assert (storm.min_age, storm.max_age, storm.sessions, storm.minutes, storm.parent_sessions) == (4, 7, 7, 105, 1)
    assert len(storm.topics) == 7 and storm.instruments == ["cats-caregiver-3-6"]
    assert services.load_course_templates() == 3  # loading again updates, never duplicates
    assert CourseTemplate.objects.filter(organisation=None).count() == 3


def test_a_group_from_a_template_plans_its_child_and_parent_sessions(en_nu_ik, storm, worker, trainer):
    group = new_group(en_nu_ik, worker, trainers=[trainer], start=TODAY())
    child_sessions = list(group.sessions.filter(kind=SessionKind.CHILD).order_by("number"))
    assert len(child_sessions) == 9 and group.sessions.filter(kind=SessionKind.PARENT).count() == 9
    assert [s.date for s in child_sessions[:2]] == [TODAY(), TODAY() + 7 * DAY]
    assert child_sessions[0].topic == en_nu_ik.topics[0]
    assert group.max_children == 8 and list(group.trainers.all()) == [trainer]
    assert new_group(storm, worker).sessions.filter(kind=SessionKind.PARENT).count() == 1
    event = AuditEvent.objects.filter(object_type__icontains="group", action="create").latest("pk")
    assert "meeting_place" in event.changed_fields and "Lindelaan" not in event.detail


def test_a_group_cannot_be_larger_than_the_course_allows(en_nu_ik, worker):
    with pytest.raises(ValidationError) as exc:
        new_group(en_nu_ik, worker, max_children=9)
    assert "at most 8 children" in exc.value.messages[0]


def test_trainers_must_be_of_the_own_organisation(en_nu_ik, worker, worker_b):
    with pytest.raises(ValidationError):
        new_group(en_nu_ik, worker, trainers=[worker_b])


def test_a_full_group_puts_the_child_on_the_waiting_list(en_nu_ik, worker, make_child):
    group = new_group(en_nu_ik, worker, max_children=2)
    statuses = [services.do_enrol(group, child=make_child(), actor=worker).status for _ in range(3)]
    assert statuses == [EnrolmentStatus.ENROLLED, EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING]


def test_a_child_of_the_wrong_age_is_refused_with_a_clear_message(storm, worker, make_child):
    group = new_group(storm, worker)
    with pytest.raises(ValidationError) as exc:
        services.do_enrol(group, child=make_child(age=10), actor=worker)
    assert "from 4 to 7 years old" in exc.value.messages[0]
    assert not Enrolment.objects.exists()


def test_without_consent_for_the_help_plan_the_child_is_not_enrolled(en_nu_ik, worker, make_child):
    group = new_group(en_nu_ik, worker)
    with pytest.raises(ValidationError) as exc:
        services.do_enrol(group, child=make_child(consent=False), actor=worker)
    assert "consent for the help plan" in exc.value.messages[0]
    assert not Enrolment.objects.exists()


def test_a_child_is_enrolled_only_once(en_nu_ik, worker, make_child):
    group, child = new_group(en_nu_ik, worker), make_child()
    services.do_enrol(group, child=child, actor=worker)
    with pytest.raises(ValidationError):
        services.do_enrol(group, child=child, actor=worker)


def test_another_organisation_enrols_its_own_child_only_in_a_group_opened_for_its_region(
        en_nu_ik, worker, worker_b, org_a, org_b, location_b, make_child):
    closed_group = new_group(en_nu_ik, worker)
    region = org_a.regions.get()
    open_group = new_group(en_nu_ik, worker, region=region)
    child_b = make_child(organisation=org_b, location=location_b)
    # the course organisation cannot enrol a child of another organisation
    with pytest.raises(PermissionDenied):
        services.do_enrol(open_group, child=child_b, actor=worker)
    # organisation B does not serve the region yet
    with pytest.raises(PermissionDenied):
        services.do_enrol(open_group, child=child_b, actor=worker_b)
    org_b.regions.add(region)
    assert list(queries.region_groups(worker_b)) == [open_group]
    with pytest.raises(PermissionDenied):
        services.do_enrol(closed_group, child=child_b, actor=worker_b)
    enrolment = services.do_enrol(open_group, child=child_b, actor=worker_b)
    assert enrolment.status == EnrolmentStatus.ENROLLED and enrolment.referred_by == worker_b
    # the course organisation's trainers see the enrolment, but the child stays outside their scope
    from veerkracht.clients.queries import visible_persons

    assert queries.enrolments_of(queries.get_group(worker, open_group.pk))[0].child == child_b
    assert not visible_persons(worker).filter(pk=child_b.pk).exists()


def test_attendance_is_recorded_for_children_and_parents(en_nu_ik, worker, make_child):
    group = new_group(en_nu_ik, worker)
    children = [make_child() for _ in range(3)]
    enrolments = [services.do_enrol(group, child=c, actor=worker) for c in children]
    session = group.sessions.get(kind=SessionKind.CHILD, number=1)
    services.do_record_attendance(session, present={(enrolments[0].pk, children[0].pk): True,
                                                    (enrolments[1].pk, children[1].pk): True},
                                  expected_version=session.version, actor=worker)
    assert Attendance.objects.filter(session=session).count() == 3
    assert Attendance.objects.filter(session=session, present=True).count() == 2
    parent_session = group.sessions.get(kind=SessionKind.PARENT, number=1)
    pairs = services.attendees(parent_session)
    assert {p.kind for _e, p in pairs} == {"mother"} and len(pairs) == 3
    services.do_record_attendance(parent_session, present={(pairs[0][0].pk, pairs[0][1].pk): True},
                                  expected_version=parent_session.version, actor=worker)
    counts = {e.pk: (e.attended, e.parent_attended) for e in queries.enrolments_of(group)}
    assert counts[pairs[0][0].pk][1] == 1 and sum(c[1] for c in counts.values()) == 1
    assert counts[enrolments[2].pk][0] == 0 and sum(c[0] for c in counts.values()) == 2


def test_a_stale_attendance_form_is_refused(en_nu_ik, worker, make_child):
    group = new_group(en_nu_ik, worker)
    session = group.sessions.get(kind=SessionKind.CHILD, number=1)
    services.do_record_attendance(session, present={}, expected_version=session.version, actor=worker)
    with pytest.raises(ConcurrentEditError):
        services.do_record_attendance(session, present={}, expected_version=session.version, actor=worker)


def test_no_attendance_for_a_session_in_the_future(en_nu_ik, worker):
    group = new_group(en_nu_ik, worker, start=TODAY() + DAY)
    session = group.sessions.get(kind=SessionKind.CHILD, number=1)
    with pytest.raises(ValidationError):
        services.do_record_attendance(session, present={}, expected_version=session.version, actor=worker)


def test_dropout_with_reason_and_a_place_for_the_waiting_list(en_nu_ik, worker, make_child):
    group = new_group(en_nu_ik, worker, max_children=1)
    first = services.do_enrol(group, child=make_child(), actor=worker)
    waiting = services.do_enrol(group, child=make_child(), actor=worker)
    with pytest.raises(ValidationError):
        services.do_admit_from_waiting_list(waiting, expected_version=waiting.version, actor=worker)
    with pytest.raises(ValidationError):
        services.do_drop_out(first, reason="", on=TODAY(), expected_version=first.version, actor=worker)
    first = services.do_drop_out(first, reason="too_heavy", on=TODAY(), expected_version=first.version, actor=worker)
    assert first.status == EnrolmentStatus.DROPPED_OUT and first.dropout_reason == "too_heavy"
    # the freed place goes to the waiting child in the same transaction (test_group_edit.py has the details)
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.ENROLLED and [e.pk for e in first.promotion.admitted] == [waiting.pk]
    with pytest.raises(ValidationError):
        services.do_admit_from_waiting_list(waiting, expected_version=waiting.version, actor=worker)


def test_a_makeup_session_for_a_missed_session(en_nu_ik, worker, make_child):
    group = new_group(en_nu_ik, worker)
    enrolment = services.do_enrol(group, child=make_child(), actor=worker)
    missed = group.sessions.get(kind=SessionKind.CHILD, number=2)
    with pytest.raises(ValidationError):
        services.do_add_makeup_session(group, date=missed.date - DAY, makeup_for=missed, actor=worker)
    makeup = services.do_add_makeup_session(group, date=missed.date + 2 * DAY, makeup_for=missed, actor=worker)
    assert makeup.is_makeup and makeup.topic == missed.topic and makeup.number == 2
    services.do_record_attendance(makeup, present={(enrolment.pk, enrolment.child_id): True},
                                  expected_version=makeup.version, actor=worker)
    assert queries.enrolments_of(group)[0].attended == 1


def test_completing_the_group_completes_the_enrolled_children(en_nu_ik, worker, make_child):
    group = new_group(en_nu_ik, worker)
    enrolment = services.do_enrol(group, child=make_child(), actor=worker)
    group = services.do_change_group_status(group, status=GroupStatus.COMPLETED, expected_version=group.version,
                                            actor=worker)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    with pytest.raises(ValidationError):
        services.do_enrol(group, child=make_child(), actor=worker)


def test_only_editing_staff_of_the_organisation_manage_a_group(en_nu_ik, worker, worker_b, org_a, staff):
    group = new_group(en_nu_ik, worker)
    session = Session.objects.filter(group=group).first()
    for outsider in (worker_b, staff("logbeheerder", org_a)):
        with pytest.raises(PermissionDenied):
            services.do_record_attendance(session, present={}, expected_version=session.version, actor=outsider)
        with pytest.raises(PermissionDenied):
            services.do_add_makeup_session(group, date=TODAY(), makeup_for=session, actor=outsider)
