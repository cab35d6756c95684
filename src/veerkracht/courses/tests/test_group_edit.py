"""Editing a group after it was created (name, trainers, meeting place, maximum, region; moving one
session, with the planned measurements following) and the automatic promotion from the waiting list
when a place frees."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from veerkracht.audit.models import AuditEvent
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.courses import measurements, services
from veerkracht.courses.models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Group,
    GroupStatus,
    Measurement,
    SessionKind,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
PLACE = "Buurthuis De Ster, Lindelaan 4"


def new_group(template, actor, **extra):  # type: ignore[no-untyped-def]
    values = {"name": "Groep voorjaar", "start_date": TODAY() + 7 * DAY, "meeting_place": PLACE, **extra}
    return services.do_create_group(template=template, actor=actor, **values)


def edit_data(group, **changes):  # type: ignore[no-untyped-def]
    data = {"version": group.version, "name": group.name, "max_children": group.max_children,
            "meeting_place": group.meeting_place, "region": group.region_id or ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def status_of(enrolment):  # type: ignore[no-untyped-def]
    enrolment.refresh_from_db()
    return enrolment.status


# -- editing the group ---------------------------------------------------------------------------------
def test_a_worker_edits_name_trainers_place_maximum_and_region(en_nu_ik, worker, trainer, org_a, client_for):
    group = new_group(en_nu_ik, worker, max_children=6)
    region = org_a.regions.get()
    client = client_for(worker)
    url = reverse("courses:edit", args=[group.pk])
    page = client.get(url).content.decode()
    assert "Lindelaan" in page and 'value="Groep voorjaar"' in page
    response = client.post(url, edit_data(group, name="Groep najaar", max_children=8, meeting_place="Bibliotheek Oost",
                                          region=region.pk, trainers=[trainer.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("courses:detail", args=[group.pk])
    group.refresh_from_db()
    assert (group.name, group.max_children, group.meeting_place, group.region_id) == (
        "Groep najaar", 8, "Bibliotheek Oost", region.pk)
    assert list(group.trainers.all()) == [trainer] and group.version == 2
    event = AuditEvent.objects.filter(object_type__icontains="group", action="update").latest("timestamp")
    assert set(event.changed_fields) == {"name", "max_children", "meeting_place", "region", "trainers"}
    assert "Bibliotheek" not in str(event.changed_fields) + event.detail  # field names only, never the place


def test_the_maximum_cannot_go_below_the_children_enrolled_nor_above_the_course(en_nu_ik, worker, make_child,
                                                                                client_for):
    group = new_group(en_nu_ik, worker)
    for _ in range(3):
        services.do_enrol(group, child=make_child(), actor=worker)
    client = client_for(worker)
    url = reverse("courses:edit", args=[group.pk])
    response = client.post(url, edit_data(group, name="Nieuwe naam", max_children=2))
    text = response.content.decode()
    assert response.status_code == 200 and "3 children are enrolled, so the maximum cannot be lower than 3" in text
    assert 'value="Nieuwe naam"' in text  # the input is kept
    response = client.post(url, edit_data(group, max_children=9))
    assert response.status_code == 200 and "at most 8 children" in response.content.decode()
    response = client.post(url, edit_data(group, name=" "))
    assert response.status_code == 200
    group.refresh_from_db()
    assert (group.name, group.max_children, group.version) == ("Groep voorjaar", 8, 1)


def test_a_concurrent_edit_is_refused_with_the_input_kept(en_nu_ik, worker, trainer, client_for):
    group = new_group(en_nu_ik, worker)
    stale = group.version
    services.do_update_group(group, name="Eerste wijziging", max_children=8, meeting_place=PLACE, trainers=[],
                             region=None, expected_version=stale, actor=trainer)
    response = client_for(worker).post(reverse("courses:edit", args=[group.pk]),
                                       edit_data(group, version=stale, name="Mijn wijziging"))
    text = response.content.decode()
    assert response.status_code == 200 and "Someone else changed this record" in text
    assert 'value="Mijn wijziging"' in text and f'name="version" value="{stale + 1}"' in text
    group.refresh_from_db()
    assert group.name == "Eerste wijziging"
    with pytest.raises(ConcurrentEditError):
        services.do_update_group(group, name="Nog een", max_children=8, meeting_place="", trainers=[], region=None,
                                 expected_version=stale, actor=worker)


def test_a_completed_group_is_read_only(en_nu_ik, worker, client_for):
    group = new_group(en_nu_ik, worker)
    group = services.do_change_group_status(group, status=GroupStatus.COMPLETED, expected_version=group.version,
                                            actor=worker)
    client = client_for(worker)
    url = reverse("courses:edit", args=[group.pk])
    page = client.get(url).content.decode()
    assert "can no longer be changed" in page and "data-group-edit-form" not in page
    assert client.post(url, edit_data(group, name="Toch")).status_code == 200
    group.refresh_from_db()
    assert group.name == "Groep voorjaar"
    with pytest.raises(ValidationError):
        services.do_update_group(group, name="Toch", max_children=8, meeting_place="", trainers=[], region=None,
                                 expected_version=group.version, actor=worker)
    session = group.sessions.get(kind=SessionKind.CHILD, number=2)
    with pytest.raises(ValidationError):
        services.do_move_session(session, date=session.date + DAY, expected_version=session.version, actor=worker)
    detail = client.get(reverse("courses:detail", args=[group.pk])).content.decode()
    assert reverse("courses:edit", args=[group.pk]) not in detail and "data-move-session" not in detail


def test_another_organisation_cannot_edit_the_group_or_see_its_place(en_nu_ik, worker, worker_b, org_a, org_b,
                                                                     client_for):
    region = org_a.regions.get()
    org_b.regions.add(region)
    group = new_group(en_nu_ik, worker, region=region)
    session = group.sessions.get(kind=SessionKind.CHILD, number=2)
    client_b = client_for(worker_b)
    assert client_b.get(reverse("courses:edit", args=[group.pk])).status_code == 404
    assert client_b.post(reverse("courses:edit", args=[group.pk]), edit_data(group, name="Overgenomen")).status_code == 404
    assert client_b.get(reverse("courses:move_session", args=[session.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.do_update_group(group, name="Overgenomen", max_children=8, meeting_place="", trainers=[],
                                 region=None, expected_version=group.version, actor=worker_b)
    group.refresh_from_db()
    assert group.name == "Groep voorjaar"
    assert "Lindelaan" not in client_b.get(reverse("courses:list")).content.decode()


def test_trainers_and_region_must_belong_to_the_own_organisation(en_nu_ik, worker, worker_b, org_b, client_for):
    group = new_group(en_nu_ik, worker)
    with pytest.raises(ValidationError) as refused:
        services.do_update_group(group, name="X", max_children=8, meeting_place="", trainers=[worker_b],
                                 region=org_b.regions.first(), expected_version=group.version, actor=worker)
    assert {e.code for e in refused.value.error_list} >= {"trainers"}
    # on the page, a trainer of another organisation is not a choice
    response = client_for(worker).post(reverse("courses:edit", args=[group.pk]),
                                       edit_data(group, trainers=[worker_b.pk]))
    assert response.status_code == 200 and not group.trainers.exists()


# -- moving a session ----------------------------------------------------------------------------------
def test_moving_the_last_session_replans_the_open_measurements(en_nu_ik, worker, make_child, client_for):
    group = new_group(en_nu_ik, worker)
    enrolments = [services.do_enrol(group, child=make_child(age=9), actor=worker) for _ in range(2)]
    measurements.do_plan_measurements(group, actor=worker)
    last = group.sessions.get(kind=SessionKind.CHILD, number=9)
    old_t1 = last.date
    # one T1 result is already entered: its due date stays as it was
    entered = Measurement.objects.filter(enrolment=enrolments[0], timepoint="T1").first()
    Measurement.objects.filter(pk=entered.pk).update(administration=_administration(enrolments[0]))
    new_date = old_t1 + 3 * DAY
    response = client_for(worker).post(reverse("courses:move_session", args=[last.pk]),
                                       {"version": last.version, "date": new_date.isoformat()})
    assert response.status_code == 302
    last.refresh_from_db()
    assert last.date == new_date
    open_t1 = set(Measurement.objects.filter(timepoint="T1", administration__isnull=True)
                  .values_list("due_on", flat=True))
    assert open_t1 == {new_date}
    entered.refresh_from_db()
    assert entered.due_on == old_t1
    assert set(Measurement.objects.filter(timepoint="T2").values_list("due_on", flat=True)) == {
        measurements.add_months(new_date, 6)}
    assert AuditEvent.objects.filter(detail__startswith="course session moved", changed_fields=["date"]).exists()


def _administration(enrolment):  # type: ignore[no-untyped-def]
    """A valid result of the course's questionnaire about the child, written directly."""
    from veerkracht.screening.models import Administration

    child = enrolment.child
    return Administration.objects.create(
        pathway=child.stays.get().pathway, subject=child, instrument_id="cats-self-7-17", instrument_version="1",
        respondent="child", administered_on=TODAY(), valid=True, total=20)


def test_moving_the_first_session_moves_the_start_date(en_nu_ik, worker, client_for):
    group = new_group(en_nu_ik, worker)
    first = group.sessions.get(kind=SessionKind.CHILD, number=1)
    earlier = first.date - 2 * DAY
    client_for(worker).post(reverse("courses:move_session", args=[first.pk]),
                            {"version": first.version, "date": earlier.isoformat()})
    group.refresh_from_db()
    assert group.start_date == earlier


def test_a_session_stays_in_order_and_keeps_its_date_once_attendance_is_recorded(en_nu_ik, worker, make_child,
                                                                                 client_for):
    group = new_group(en_nu_ik, worker, start_date=TODAY() - 21 * DAY)
    enrolment = services.do_enrol(group, child=make_child(), actor=worker)
    second, third = (group.sessions.get(kind=SessionKind.CHILD, number=n) for n in (2, 3))
    client = client_for(worker)
    url = reverse("courses:move_session", args=[second.pk])
    response = client.post(url, {"version": second.version, "date": third.date.isoformat()})
    assert response.status_code == 200
    assert f"Session 2 must stay before session 3 ({third.date:%d-%m-%Y})" in response.content.decode()
    response = client.post(url, {"version": second.version, "date": "31-02-2027"})
    assert response.status_code == 200
    response = client.post(url, {"version": second.version - 1, "date": (second.date + DAY).isoformat()})
    assert response.status_code == 200 and "Someone else changed this record" in response.content.decode()
    services.do_record_attendance(second, present={(enrolment.pk, enrolment.child_id): True},
                                  expected_version=second.version, actor=worker)
    second.refresh_from_db()
    response = client.post(url, {"version": second.version, "date": (second.date + DAY).isoformat()})
    assert response.status_code == 200 and "can no longer be moved" in response.content.decode()
    assert Attendance.objects.count() == 1
    second.refresh_from_db()
    assert second.date == group.start_date + 7 * DAY


# -- promotion from the waiting list --------------------------------------------------------------------
def test_a_dropout_admits_the_longest_waiting_child_and_the_group_page_says_so(storm, worker, make_child,
                                                                              client_for):
    group = new_group(storm, worker, max_children=1, start_date=TODAY())
    first = services.do_enrol(group, child=make_child(age=5, first_name="Anouk"), actor=worker)
    oldest = services.do_enrol(group, child=make_child(age=5, first_name="Bram"), actor=worker)
    later = services.do_enrol(group, child=make_child(age=5, first_name="Cas"), actor=worker)
    assert oldest.status == later.status == EnrolmentStatus.WAITING
    client = client_for(worker)
    response = client.post(reverse("courses:enrolment", args=[first.pk]),
                           {"version": first.version, "reason": "left", "on": TODAY().isoformat()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("courses:detail", args=[group.pk])
    assert "Bram has been admitted from the waiting list" in response.content.decode()
    assert (status_of(oldest), status_of(later)) == (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING)
    assert AuditEvent.objects.filter(client_id=oldest.child_id, detail__contains="admitted from the waiting list",
                                     changed_fields=["status"]).exists()


def test_a_child_admitted_after_the_measurements_were_planned_gets_its_own(en_nu_ik, worker, make_child):
    group = new_group(en_nu_ik, worker, max_children=1)
    first = services.do_enrol(group, child=make_child(age=9), actor=worker)
    waiting = services.do_enrol(group, child=make_child(age=9), actor=worker)
    measurements.do_plan_measurements(group, actor=worker)
    planned = set(Measurement.objects.filter(enrolment=first).values_list("timepoint", "instrument_id", "due_on"))
    assert planned and not Measurement.objects.filter(enrolment=waiting).exists()
    services.do_drop_out(first, reason="left", on=TODAY(), expected_version=first.version, actor=worker)
    assert set(Measurement.objects.filter(enrolment=waiting).values_list("timepoint", "instrument_id", "due_on")) \
        == planned


def test_raising_the_maximum_admits_from_the_waiting_list_and_skips_a_child_that_no_longer_fits(
        storm, worker, make_child, client_for):
    group = new_group(storm, worker, max_children=1, start_date=TODAY())
    services.do_enrol(group, child=make_child(age=5), actor=worker)
    no_consent = make_child(age=5, first_name="Daan", consent=False)
    # consent was complete when the child was put on the waiting list; it is not any more
    skipped = Enrolment.objects.create(group=group, child=no_consent, status=EnrolmentStatus.WAITING,
                                       referred_by=worker)
    too_old = services.do_enrol(group, child=make_child(age=6, first_name="Eva"), actor=worker)
    too_old.child.__class__.objects.filter(pk=too_old.child_id).update(birth_date=TODAY() - 3000 * DAY)  # corrected
    admitted = services.do_enrol(group, child=make_child(age=5, first_name="Fenna"), actor=worker)
    group.refresh_from_db()
    response = client_for(worker).post(reverse("courses:edit", args=[group.pk]), edit_data(group, max_children=2),
                                       follow=True)
    text = response.content.decode()
    assert "Fenna has been admitted from the waiting list" in text
    assert "Daan was not admitted from the waiting list: the consent for the help plan is no longer complete" in text
    assert "Eva was not admitted from the waiting list: its age no longer fits the course" in text
    assert status_of(admitted) == EnrolmentStatus.ENROLLED
    assert status_of(skipped) == status_of(too_old) == EnrolmentStatus.WAITING
    assert Enrolment.objects.filter(group=group, status=EnrolmentStatus.ENROLLED).count() == 2


def test_a_waiting_child_of_another_organisation_is_admitted_and_named_only_to_the_group(
        en_nu_ik, worker, worker_b, org_a, org_b, location_b, make_child, client_for):
    region = org_a.regions.get()
    org_b.regions.add(region)
    group = new_group(en_nu_ik, worker, region=region, max_children=1)
    child_b = make_child(organisation=org_b, location=location_b, first_name="Sem")
    referred = services.do_enrol(group, child=child_b, actor=worker_b)
    waiting_b = services.do_enrol(group, child=make_child(organisation=org_b, location=location_b,
                                                          first_name="Noor"), actor=worker_b)
    # the referring worker registers the dropout of her own child: the place goes to the next child
    response = client_for(worker_b).post(reverse("courses:enrolment", args=[referred.pk]),
                                         {"version": referred.version, "reason": "left", "on": TODAY().isoformat()},
                                         follow=True)
    page = response.content.decode()
    assert "Noor" not in page and "has been admitted from the waiting list" not in page  # said only to the group
    assert status_of(waiting_b) == EnrolmentStatus.ENROLLED
    assert AuditEvent.objects.filter(client_id=waiting_b.child_id, detail__contains="waiting list").exists()


def test_a_dropout_from_the_waiting_list_frees_no_place(en_nu_ik, worker, make_child):
    group = new_group(en_nu_ik, worker, max_children=1)
    services.do_enrol(group, child=make_child(), actor=worker)
    first_waiting = services.do_enrol(group, child=make_child(), actor=worker)
    second_waiting = services.do_enrol(group, child=make_child(), actor=worker)
    ended = services.do_drop_out(first_waiting, reason="left", on=TODAY(), expected_version=first_waiting.version,
                                 actor=worker)
    assert not ended.promotion and status_of(second_waiting) == EnrolmentStatus.WAITING


# -- bounded pages ----------------------------------------------------------------------------------
def test_the_edit_and_move_pages_have_a_bounded_number_of_queries(en_nu_ik, worker, staff, org_a, make_child,
                                                                  client_for, django_assert_max_num_queries):
    from veerkracht.accounts.roles import Role

    group = new_group(en_nu_ik, worker)
    services.do_enrol(group, child=make_child(), actor=worker)
    client = client_for(worker)
    edit_url = reverse("courses:edit", args=[group.pk])
    move_url = reverse("courses:move_session", args=[group.sessions.get(kind=SessionKind.CHILD, number=3).pk])
    with django_assert_max_num_queries(40) as edit_few:  # the base page (menu, notifications) included
        assert client.get(edit_url).status_code == 200
    with django_assert_max_num_queries(40) as move_few:
        assert client.get(move_url).status_code == 200
    trainers = [staff(Role.MENTOR, org_a, username=f"trainer_{n}") for n in range(4)]
    group.trainers.set(trainers)
    for _ in range(4):
        services.do_enrol(group, child=make_child(), actor=worker)
    with django_assert_max_num_queries(len(edit_few.captured_queries)):
        assert client.get(edit_url).status_code == 200
    with django_assert_max_num_queries(len(move_few.captured_queries)):
        assert client.get(move_url).status_code == 200
    assert Group.objects.count() == 1
