"""Course measurements after the child has left the shelter (ADR 0013): a planned measurement is entered on
the child's most recent, closed pathway - only through the course measurement, only by a worker who may edit
the child's record - and a due one shows on Mijn werk of the child's own workers."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.courses import measurements
from veerkracht.courses.models import CourseTemplate, Enrolment, EnrolmentStatus, Group, Measurement
from veerkracht.pathway import followups
from veerkracht.pathway import services as pathway_services
from veerkracht.pathway.models import ActivityStatus, Pathway
from veerkracht.screening.models import Administration
from veerkracht.screening.services import do_record_administration

from .test_measurements import cats_answers

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
CLOSED = "This pathway was closed at discharge and can no longer be changed."


def discharge(child, actor):  # type: ignore[no-untyped-def]
    """The real discharge (every open activity 'not done'); returns the closed pathway."""
    stay = child.stays.get()
    pathway = stay.pathway
    outcomes = {a.pk: pathway_services.Outcome(status=ActivityStatus.NOT_DONE, reason="stay ended")
                for a in pathway.activities.all() if not a.is_closed}
    pathway_services.do_discharge_child(stay, discharge_date=TODAY(), destination="own_home", outcomes=outcomes,
                                        expected_version=stay.version, actor=actor)
    closed = Pathway.objects.get(pk=pathway.pk)
    assert closed.closed_on == TODAY()
    return closed


@pytest.fixture
def course(db):  # type: ignore[no-untyped-def]
    return CourseTemplate.objects.create(code="test-course", name="Testcursus", min_age=6, max_age=12, sessions=3,
                                         minutes=90, max_children=8, instruments=["cats-self-7-17"])


@pytest.fixture
def setup(course, org_a, make_child, worker, staff):  # type: ignore[no-untyped-def]
    """A child of organisation A (worker is its child worker) in a course; T0 and T1 entered-or-past, T2 due in 3
    days; the child discharged. Returns (child, pathway, t2, team leader)."""
    group = Group.objects.create(template=course, organisation=org_a, name="Groep Noord",
                                 start_date=datetime.date(2026, 9, 1), max_children=8)
    child = make_child(first_name="Mila", last_name="de Boer", child_worker=worker)
    enrolment = Enrolment.objects.create(group=group, child=child, status=EnrolmentStatus.COMPLETED)
    t2 = Measurement.objects.create(enrolment=enrolment, timepoint="T2", instrument_id="cats-self-7-17",
                                    due_on=TODAY() + 3 * DAY)
    leader = staff(Role.TEAMLEIDER, org_a, username="tl_discharge")
    pathway = discharge(child, leader)
    return child, pathway, t2, leader


def test_t2_is_entered_on_the_closed_pathway_through_the_measurement(setup, worker):
    child, pathway, t2, _leader = setup
    statuses = dict(pathway.activities.values_list("pk", "status"))
    measurements.do_record_measurement(t2, actor=worker, administered_on=TODAY(), answers=cats_answers(12))
    t2.refresh_from_db()
    assert t2.administration.pathway_id == pathway.pk and t2.administration.total == 12
    pathway.refresh_from_db()
    assert pathway.closed_on == TODAY()  # still closed
    assert dict(pathway.activities.values_list("pk", "status")) == statuses  # the step plan is not moved on
    assert AuditEvent.objects.filter(detail="course measurement T2 cats-self-7-17 after discharge",
                                     client_id=child.pk).count() == 1
    assert AuditEvent.objects.filter(detail="screening cats-self-7-17 valid", client_id=child.pk).count() == 1


def test_the_free_screening_stays_refused_on_the_closed_pathway(setup, worker):
    _child, pathway, _t2, _leader = setup
    with pytest.raises(ValidationError) as exc:
        do_record_administration(pathway, instrument_id="cats-self-7-17", administered_on=TODAY(), actor=worker,
                                 answers=cats_answers(12))
    assert CLOSED in exc.value.messages
    assert not Administration.objects.exists()


def test_the_keyword_opens_only_the_most_recent_pathway(setup, worker, location_a):
    child, old, _t2, _leader = setup
    from veerkracht.testing import factories

    stay = factories.StayFactory(person=child, location=location_a, admission_date=TODAY())
    newer = pathway_services.create_pathway_for_stay(stay, actor=worker)
    Pathway.objects.filter(pk=newer.pk).update(closed_on=TODAY())
    with pytest.raises(ValidationError) as exc:
        do_record_administration(old, instrument_id="cats-self-7-17", administered_on=TODAY(), actor=worker,
                                 answers=cats_answers(12), course_measurement=True)
    assert CLOSED in exc.value.messages
    assert not Administration.objects.exists()


def test_another_organisation_cannot_enter_it(setup, staff, org_b):
    _child, _pathway, t2, _leader = setup
    with pytest.raises(PermissionDenied):
        measurements.do_record_measurement(t2, actor=staff(Role.TEAMLEIDER, org_b, username="tl_b_dis"),
                                           administered_on=TODAY(), answers=cats_answers(12))
    t2.refresh_from_db()
    assert t2.administration is None and not Administration.objects.exists()


def test_bad_answers_after_discharge_save_nothing(setup, worker):
    _child, _pathway, t2, _leader = setup
    with pytest.raises(ValidationError):
        measurements.do_record_measurement(t2, actor=worker, administered_on=TODAY(), answers={"s1": "7"})
    t2.refresh_from_db()
    assert t2.administration is None and not Administration.objects.exists()


# --- the pages -----------------------------------------------------------------------------------------------


def test_the_measurement_page_offers_the_entry_for_a_discharged_child(setup, worker, client_for):
    _child, pathway, t2, _leader = setup
    client = client_for(worker)
    page = client.get(reverse("courses:measurement", args=[t2.pk])).content.decode()
    assert reverse("courses:measurement_enter", args=[t2.pk]) in page
    assert "data-after-discharge" in page
    assert reverse("screening:administer", args=[pathway.pk, "cats-self-7-17"]) not in page
    enter = client.get(reverse("courses:measurement_enter", args=[t2.pk]))
    assert enter.status_code == 200
    html = enter.content.decode()
    assert 'data-administer="cats-self-7-17"' in html and "data-after-discharge" in html


def _post(answers: dict[str, str], day: datetime.date) -> dict[str, str]:
    return {"administered_on": day.isoformat(), "note": ""} | {f"item_{k}": v for k, v in answers.items()}


def test_entering_through_the_page_links_the_result(setup, worker, client_for):
    _child, pathway, t2, _leader = setup
    client = client_for(worker)
    url = reverse("courses:measurement_enter", args=[t2.pk])
    response = client.post(url, _post(cats_answers(14), TODAY()))
    assert response.status_code == 302 and response["Location"] == reverse("courses:measurement", args=[t2.pk])
    t2.refresh_from_db()
    assert t2.administration.total == 14 and t2.administration.pathway_id == pathway.pk
    # entered: the entry page sends back to the measurement, nothing doubled
    assert client.get(url).status_code == 302
    assert client.post(url, _post(cats_answers(3), TODAY())).status_code == 302
    assert Administration.objects.count() == 1


def test_a_bad_entry_keeps_the_input_and_says_why(setup, worker, client_for):
    _child, _pathway, t2, _leader = setup
    client = client_for(worker)
    future = TODAY() + 2 * DAY
    response = client.post(reverse("courses:measurement_enter", args=[t2.pk]), _post(cats_answers(14), future))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The date cannot lie in the future." in html
    assert 'value="3" checked' in html  # the answers stay in the form
    assert not Administration.objects.exists()


def test_the_entry_page_is_not_found_for_the_course_organisation_of_another_childs_organisation(
        course, org_a, org_b, location_b, make_child, staff, client_for):
    group = Group.objects.create(template=course, organisation=org_a, name="Groep Noord",
                                 start_date=datetime.date(2026, 9, 1), max_children=8)
    child = make_child(organisation=org_b, location=location_b)
    enrolment = Enrolment.objects.create(group=group, child=child)
    t2 = Measurement.objects.create(enrolment=enrolment, timepoint="T2", instrument_id="cats-self-7-17",
                                    due_on=TODAY() + 3 * DAY)
    trainer = client_for(staff(Role.MENTOR, org_a, username="trainer_dis"))
    assert trainer.get(reverse("courses:measurement", args=[t2.pk])).status_code == 200  # first name only
    assert trainer.get(reverse("courses:measurement_enter", args=[t2.pk])).status_code == 404
    assert trainer.post(reverse("courses:measurement_enter", args=[t2.pk]),
                        _post(cats_answers(3), TODAY())).status_code == 404
    assert not Administration.objects.exists()


# --- Mijn werk -----------------------------------------------------------------------------------------------


def _rows(client) -> list[str]:  # type: ignore[no-untyped-def]
    html = client.get(reverse("pathway:worklist")).content.decode()
    return html.split('id="work-followups"', 1)[1].split('data-followup="course_measurement"')[1:]


def test_a_due_t2_of_a_discharged_child_is_on_the_workers_list(setup, worker, staff, org_a, client_for):
    child, _pathway, t2, leader = setup
    rows = _rows(client_for(worker))
    assert len(rows) == 1
    assert child.full_name in rows[0] and reverse("courses:measurement", args=[t2.pk]) in rows[0]
    assert "(the child has left the shelter)" in rows[0]
    assert len(_rows(client_for(leader))) == 1  # the team leader: the whole organisation
    other = staff(Role.KINDERWERKER, org_a, username="kw_other_dis")
    assert _rows(client_for(other)) == []  # not her child
    scientist = staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_dis")
    assert _rows(client_for(scientist)) == []  # not a kind that waits for her


def test_a_dropped_out_child_has_nothing_due(setup, worker, client_for):
    _child, _pathway, t2, _leader = setup
    Enrolment.objects.filter(pk=t2.enrolment_id).update(status=EnrolmentStatus.DROPPED_OUT)
    assert _rows(client_for(worker)) == []


def test_an_entered_or_far_measurement_is_not_listed(setup, worker, client_for):
    _child, _pathway, t2, _leader = setup
    Measurement.objects.filter(pk=t2.pk).update(due_on=TODAY() + 30 * DAY)
    assert _rows(client_for(worker)) == []
    Measurement.objects.filter(pk=t2.pk).update(due_on=TODAY() - 30 * DAY)
    assert len(_rows(client_for(worker))) == 1  # overdue
    measurements.do_record_measurement(t2, actor=worker, administered_on=TODAY(), answers=cats_answers(2))
    assert _rows(client_for(worker)) == []


def test_other_providers_get_only_the_open_pathways(setup, worker):
    seen: list[list[int]] = []
    worker.is_verified = lambda: True  # as after the second factor (the scoped queries ask)

    def spy(pathways, today):  # type: ignore[no-untyped-def]
        seen.append(sorted(pathways.values_list("pk", flat=True)))
        return []

    followups.register(spy)
    try:
        followups.followups(Pathway.objects.none(), TODAY(), discharged=followups.discharged_pathways(worker))
        followups.register(spy, include_discharged=True)
        followups.followups(Pathway.objects.none(), TODAY(), discharged=followups.discharged_pathways(worker))
    finally:
        followups.unregister(spy)
    assert seen == [[], [setup[1].pk]]


def test_worklist_queries_do_not_grow_with_discharged_children(setup, course, org_a, make_child, worker,
                                                                client_for, django_assert_max_num_queries):
    _child, _pathway, t2, leader = setup
    client = client_for(worker)
    url = reverse("pathway:worklist")
    client.get(url)
    with django_assert_max_num_queries(40) as baseline:
        client.get(url)
    count = len(baseline.captured_queries)
    group = t2.enrolment.group
    for n in range(3):
        child = make_child(first_name=f"Kind{n}", child_worker=worker)
        enrolment = Enrolment.objects.create(group=group, child=child, status=EnrolmentStatus.COMPLETED)
        Measurement.objects.create(enrolment=enrolment, timepoint="T2", instrument_id="cats-self-7-17",
                                   due_on=TODAY() + DAY)
        discharge(child, leader)
    assert len(_rows(client)) == 4
    with django_assert_max_num_queries(count):
        client.get(url)



def test_a_clinical_result_after_discharge_tells_the_worker_whom_to_involve(setup, worker, client_for):
    _child, _pathway, t2, _leader = setup
    response = client_for(worker).post(reverse("courses:measurement_enter", args=[t2.pk]),
                                       _post(cats_answers(40), TODAY()), follow=True)
    t2.refresh_from_db()
    assert t2.administration.clinical
    assert "the child has left the shelter: discuss with the gedragswetenschapper" in response.content.decode()
