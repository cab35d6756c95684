"""Group pages: create from a template, the group page, enrolling (also from another organisation),
attendance, dropout, make-up sessions; the dossier section."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from veerkracht.audit.models import AuditEvent
from veerkracht.courses import services
from veerkracht.courses.dossier_section import courses_of
from veerkracht.courses.models import (
    Attendance,
    CourseTemplate,
    Enrolment,
    EnrolmentStatus,
    Group,
    SessionKind,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
PLACE = "Buurthuis De Ster, Lindelaan 4"


def new_group(template, actor, **extra):  # type: ignore[no-untyped-def]
    values = {"name": "Groep voorjaar", "start_date": TODAY() - 70 * DAY, "meeting_place": PLACE, **extra}
    return services.do_create_group(template=template, actor=actor, **values)


def test_a_worker_creates_a_group_from_a_template(en_nu_ik, worker, trainer, client_for):
    client = client_for(worker)
    page = client.get(reverse("courses:create")).content.decode()
    assert "En nu ik...!" in page and "Storm en Spetters" in page
    response = client.post(reverse("courses:create"), {
        "template": en_nu_ik.pk, "name": "En nu ik voorjaar", "start_date": TODAY().isoformat(),
        "days_between": 7, "max_children": "", "meeting_place": PLACE, "trainers": [trainer.pk]})
    group = Group.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("courses:detail", args=[group.pk])
    assert group.sessions.count() == 18 and group.max_children == 8
    page = client.get(reverse("courses:detail", args=[group.pk])).content.decode()
    assert "Lindelaan" in page and "Kennismaken en afspraken maken" in page


def test_bad_input_gives_the_form_back_with_a_clear_message(en_nu_ik, worker, client_for):
    response = client_for(worker).post(reverse("courses:create"), {
        "template": en_nu_ik.pk, "name": "Te groot", "start_date": TODAY().isoformat(), "days_between": 7,
        "max_children": 12})
    assert response.status_code == 200 and "at most 8 children" in response.content.decode()
    assert not Group.objects.exists()


def test_enrolling_a_full_group_and_a_wrong_age_say_so(storm, worker, make_child, client_for):
    group = new_group(storm, worker, max_children=1)
    client = client_for(worker)
    first, second, too_old = make_child(age=5), make_child(age=6), make_child(age=11)
    client.post(reverse("courses:enrol", args=[group.pk]), {"child": first.pk})
    response = client.post(reverse("courses:enrol", args=[group.pk]), {"child": second.pk}, follow=True)
    assert "the child has been put on the waiting list" in response.content.decode()
    response = client.post(reverse("courses:enrol", args=[group.pk]), {"child": too_old.pk})
    assert response.status_code == 200 and "from 4 to 7 years old" in response.content.decode()
    assert dict(Enrolment.objects.values_list("child_id", "status")) == {
        first.pk: EnrolmentStatus.ENROLLED, second.pk: EnrolmentStatus.WAITING}


def test_another_organisation_refers_its_child_and_the_trainers_see_only_course_data(
        en_nu_ik, worker, worker_b, org_a, org_b, location_b, make_child, client_for):
    region = org_a.regions.get()
    org_b.regions.add(region)
    group = new_group(en_nu_ik, worker, region=region)
    child_b = make_child(organisation=org_b, location=location_b, first_name="Sem", last_name="Verhoeven")
    client_b = client_for(worker_b)
    listing = client_b.get(reverse("courses:list")).content.decode()
    assert "Groep voorjaar" in listing and "Lindelaan" not in listing
    page = client_b.get(reverse("courses:enrol", args=[group.pk])).content.decode()
    assert "Lindelaan" not in page and "a referral" in page
    # B cannot open the group itself
    assert client_b.get(reverse("courses:detail", args=[group.pk])).status_code == 404
    client_b.post(reverse("courses:enrol", args=[group.pk]), {"child": child_b.pk})
    enrolment = Enrolment.objects.get(child=child_b)
    assert enrolment.referred_by == worker_b
    page = client_for(worker).get(reverse("courses:detail", args=[group.pk])).content.decode()
    assert "Sem" in page and "Verhoeven" not in page and "other organisation" in page
    page = client_for(worker).get(reverse("courses:enrolment", args=[enrolment.pk])).content.decode()
    assert AuditEvent.objects.filter(action="read", client_id=child_b.pk, user_id=worker.pk).exists()
    assert "Sem" in page and "Verhoeven" not in page and reverse("clients:dossier", args=[child_b.pk]) not in page
    # the course organisation cannot open the child's dossier
    assert client_for(worker).get(reverse("clients:dossier", args=[child_b.pk])).status_code == 404
    # nor learn the last name from the measurement pages
    from veerkracht.courses import measurements
    from veerkracht.courses.models import Measurement

    measurements.do_plan_measurements(group, actor=worker)
    page = client_for(worker).get(reverse("courses:measurements", args=[group.pk])).content.decode()
    assert "Sem" in page and "Verhoeven" not in page
    item = Measurement.objects.filter(enrolment=enrolment).first()
    assert item is not None  # the course's questionnaire fits the child
    page = client_for(worker).get(reverse("courses:measurement", args=[item.pk])).content.decode()
    assert "Sem" in page and "Verhoeven" not in page


def test_a_worker_of_a_group_outside_the_region_gets_404(en_nu_ik, worker, worker_b, client_for):
    group = new_group(en_nu_ik, worker)
    assert client_for(worker_b).get(reverse("courses:enrol", args=[group.pk])).status_code == 404


def test_attendance_form_records_children_and_keeps_input_when_stale(en_nu_ik, worker, make_child, client_for):
    group = new_group(en_nu_ik, worker)
    children = [make_child() for _ in range(2)]
    enrolments = [services.do_enrol(group, child=c, actor=worker) for c in children]
    session = group.sessions.get(kind=SessionKind.CHILD, number=1)
    client = client_for(worker)
    url = reverse("courses:session", args=[session.pk])
    page = client.get(url).content.decode()
    assert children[0].first_name in page and children[0].last_name not in page
    key = f"present_{enrolments[0].pk}_{children[0].pk}"
    response = client.post(url, {"version": session.version, key: "on", "notes": "Rustige groep"})
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("person_id", "present")) == {children[0].pk: True,
                                                                           children[1].pk: False}
    response = client.post(url, {"version": session.version, "notes": "Mijn versie"})
    text = response.content.decode()
    assert response.status_code == 200 and "Someone else changed this record" in text and "Mijn versie" in text
    assert Attendance.objects.filter(present=True).count() == 1


def test_dropout_and_makeup_pages(en_nu_ik, worker, make_child, client_for):
    group = new_group(en_nu_ik, worker)
    enrolment = services.do_enrol(group, child=make_child(), actor=worker)
    client = client_for(worker)
    url = reverse("courses:enrolment", args=[enrolment.pk])
    response = client.post(url, {"version": enrolment.version, "reason": "", "on": TODAY().isoformat()})
    assert response.status_code == 200
    client.post(url, {"version": enrolment.version, "reason": "left", "on": TODAY().isoformat()})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.DROPPED_OUT and enrolment.dropout_reason == "left"
    missed = group.sessions.get(kind=SessionKind.CHILD, number=3)
    client.post(reverse("courses:makeup", args=[group.pk]), {"makeup_for": missed.pk,
                                                             "date": (missed.date + DAY).isoformat()})
    assert group.sessions.filter(is_makeup=True, makeup_for=missed).count() == 1


def test_the_group_page_has_a_bounded_number_of_queries(en_nu_ik, worker, make_child, client_for,
                                                        django_assert_max_num_queries):
    group = new_group(en_nu_ik, worker)
    client = client_for(worker)
    url = reverse("courses:detail", args=[group.pk])
    services.do_enrol(group, child=make_child(), actor=worker)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(4):
        services.do_enrol(group, child=make_child(), actor=worker)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_dossier_section_lists_the_childs_courses_in_one_query(en_nu_ik, storm, worker, make_child,
                                                                   django_assert_num_queries):
    child = make_child(age=6)
    group = new_group(en_nu_ik, worker)
    enrolment = services.do_enrol(group, child=child, actor=worker)
    services.do_enrol(new_group(storm, worker), child=child, actor=worker)
    for number in (1, 2):
        session = group.sessions.get(kind=SessionKind.CHILD, number=number)
        services.do_record_attendance(session, present={(enrolment.pk, child.pk): number == 1},
                                      expected_version=session.version, actor=worker)
    with django_assert_num_queries(2):  # the enrolments, and their measurements with the results
        courses = courses_of(child)
    assert len(courses) == 2
    mine = next(c for c in courses if c.group_id == group.pk)
    assert (mine.attended, mine.planned) == (1, 9)
    html = render_to_string("courses/_dossier.html", {"courses": courses})
    assert "En nu ik...!" in html and "1 of 9" in html and "Lindelaan" not in html


def test_the_group_list_has_a_bounded_number_of_queries(en_nu_ik, worker, worker_b, org_a, org_b, client_for,
                                                        django_assert_max_num_queries):
    region = org_a.regions.get()
    org_b.regions.add(region)
    new_group(en_nu_ik, worker, region=region)
    with django_assert_max_num_queries(50) as few:  # the base page (menu, notifications) included
        assert "Groep voorjaar" in client_for(worker_b).get(reverse("courses:list")).content.decode()
    for number in range(4):
        new_group(en_nu_ik, worker, region=region, name=f"Groep {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client_for(worker_b).get(reverse("courses:list")).content.decode()
    assert page.count("data-region-group=") == 5 and "Lindelaan" not in page


def test_the_group_page_links_to_measurements_and_effect(en_nu_ik, worker, client_for):
    group = new_group(en_nu_ik, worker)
    page = client_for(worker).get(reverse("courses:detail", args=[group.pk])).content.decode()
    assert reverse("courses:measurements", args=[group.pk]) in page
    assert reverse("courses:effect_group", args=[group.pk]) in page


def test_an_organisation_keeps_its_own_session_topics(storm, worker, worker_b, client_for):
    client = client_for(worker)
    url = reverse("courses:topics", args=[storm.pk])
    topics = {f"topic_{n}": f"Eigen onderwerp {n}" for n in range(1, 8)}
    response = client.post(url, {"version": storm.version, **topics, "topic_3": ""})
    assert response.status_code == 200 and not CourseTemplate.objects.exclude(organisation=None).exists()
    response = client.post(url, {"version": storm.version, **topics})
    own = CourseTemplate.objects.get(organisation=worker.membership_or_none.organisation, code=storm.code)
    assert response["Location"] == reverse("courses:topics", args=[own.pk])
    storm.refresh_from_db()
    assert own.topics[0] == "Eigen onderwerp 1" and storm.topics[0] == "Kennismaken met de groep"
    # new groups of this organisation use the own version; organisation B still sees the shipped one
    choices = client.get(reverse("courses:create")).content.decode()
    assert f'value="{own.pk}"' in choices and f'value="{storm.pk}"' not in choices
    assert f'value="{storm.pk}"' in client_for(worker_b).get(reverse("courses:create")).content.decode()
    assert client_for(worker_b).get(reverse("courses:topics", args=[own.pk])).status_code == 404
    group = new_group(own, worker)
    assert group.sessions.get(kind=SessionKind.CHILD, number=2).topic == "Eigen onderwerp 2"


def test_a_worker_limited_to_the_own_teams_sees_only_the_groups_he_trains(en_nu_ik, worker, trainer, make_child,
                                                                          staff, org_a, client_for):
    """restrict_to_teams: the group pages name every enrolled child, also of other teams, so a child worker
    sees them only for a group he trains or created; for his own child he keeps the enrolment and its
    measurements, and the effect report (figures; only his own children by name)."""
    from veerkracht.accounts.roles import Role
    from veerkracht.courses import measurements
    from veerkracht.courses.models import Measurement

    group = new_group(en_nu_ik, worker, trainers=[trainer])
    other_team_child = make_child(first_name="Sem", last_name="Verhoeven")
    own_child = make_child(first_name="Lina", last_name="Bakker")
    enrolments = [services.do_enrol(group, child=c, actor=worker) for c in (other_team_child, own_child)]
    measurements.do_plan_measurements(group, actor=worker)
    org_a.restrict_to_teams = True
    org_a.save(update_fields=["restrict_to_teams"])
    outsider = staff(Role.KINDERWERKER, org_a, username="kw_other_team")  # no team, no group
    own_child.child_worker = outsider
    own_child.save(update_fields=["child_worker"])
    client = client_for(outsider)
    session = group.sessions.order_by("date").first()
    other_measurement = Measurement.objects.filter(enrolment=enrolments[0]).first()
    own_measurement = Measurement.objects.filter(enrolment=enrolments[1]).first()
    for url in (reverse("courses:detail", args=[group.pk]), reverse("courses:session", args=[session.pk]),
                reverse("courses:measurements", args=[group.pk]),
                reverse("courses:enrolment", args=[enrolments[0].pk]),
                reverse("courses:measurement", args=[other_measurement.pk])):
        assert client.get(url).status_code == 404, url
    assert "Groep voorjaar" not in client.get(reverse("courses:list")).content.decode()
    for url in (reverse("courses:enrolment", args=[enrolments[1].pk]),
                reverse("courses:measurement", args=[own_measurement.pk])):
        response = client.get(url)
        assert response.status_code == 200 and "Sem" not in response.content.decode(), url
    report = client.get(reverse("courses:effect_group", args=[group.pk]))
    assert report.status_code == 200 and "Verhoeven" not in report.content.decode()
    # the trainer and the creator keep the group; a team leader is not limited
    for user in (trainer, worker, staff(Role.TEAMLEIDER, org_a, username="tl_teams")):
        page = client_for(user).get(reverse("courses:detail", args=[group.pk]))
        assert page.status_code == 200 and "Sem" in page.content.decode()
    org_a.restrict_to_teams = False
    org_a.save(update_fields=["restrict_to_teams"])
    assert client.get(reverse("courses:detail", args=[group.pk])).status_code == 200
