"""The child's scores over T0, T1 and T2 in the dossier's courses section (issue 7 point 6): per course and
questionnaire the total (and band), "planned <date>" or "not entered", in a table with headers; read in a
fixed number of queries whatever the number of courses."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.courses import dossier_section, measurements
from veerkracht.courses.models import CourseTemplate, Enrolment, EnrolmentStatus, Group, Measurement
from veerkracht.screening.services import do_record_administration

from .test_measurements import cats_answers

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


@pytest.fixture
def course(db):  # type: ignore[no-untyped-def]
    return CourseTemplate.objects.create(code="test-course", name="Testcursus", min_age=6, max_age=12, sessions=3,
                                         minutes=90, max_children=8, instruments=["cats-self-7-17"])


def _enrol(course, organisation, child, name="Groep Noord", status=EnrolmentStatus.COMPLETED):  # type: ignore[no-untyped-def]
    group = Group.objects.create(template=course, organisation=organisation, name=name,
                                 start_date=datetime.date(2026, 9, 1), max_children=8)
    return Enrolment.objects.create(group=group, child=child, status=status)


def _measure(enrolment, timepoint, due_on):  # type: ignore[no-untyped-def]
    return Measurement.objects.create(enrolment=enrolment, timepoint=timepoint, instrument_id="cats-self-7-17",
                                      due_on=due_on)


@pytest.fixture
def scored(course, org_a, make_child, worker):  # type: ignore[no-untyped-def]
    """T0 entered (total 24), T1 past and not entered, T2 planned in three months."""
    child = make_child(first_name="Mila", last_name="de Boer", child_worker=worker)
    enrolment = _enrol(course, org_a, child)
    t0 = _measure(enrolment, "T0", TODAY() - 60 * DAY)
    _measure(enrolment, "T1", TODAY() - 20 * DAY)
    _measure(enrolment, "T2", TODAY() + 90 * DAY)
    measurements.do_record_measurement(t0, actor=worker, administered_on=TODAY(), answers=cats_answers(24))
    return child, enrolment


def _section(html: str) -> str:
    return html.split("data-dossier-courses", 1)[1].split("</section>", 1)[0]


def test_score_rows_per_time_point(scored):
    _child, enrolment = scored
    [course] = dossier_section.courses_of(enrolment.child)
    [row] = course.scores
    assert row.instrument_id == "cats-self-7-17"
    t0, t1, t2 = row.cells
    assert (t0.state, t0.total, t0.on) == (dossier_section.ENTERED, 24, TODAY())
    assert t0.band  # the band's label from the instrument definition
    assert (t1.state, t1.on) == (dossier_section.NOT_ENTERED, TODAY() - 20 * DAY)
    assert (t2.state, t2.on) == (dossier_section.PLANNED, TODAY() + 90 * DAY)


def test_a_dropped_out_child_has_nothing_planned(course, org_a, make_child):
    child = make_child()
    enrolment = _enrol(course, org_a, child, status=EnrolmentStatus.DROPPED_OUT)
    _measure(enrolment, "T2", TODAY() + 90 * DAY)
    [course_row] = dossier_section.courses_of(child)
    assert [c.state for c in course_row.scores[0].cells] == [
        dossier_section.NOT_PLANNED, dossier_section.NOT_PLANNED, dossier_section.NOT_ENTERED]


def test_an_unscorable_result_says_so(course, org_a, make_child, worker):
    child = make_child(child_worker=worker)
    enrolment = _enrol(course, org_a, child)
    t1 = _measure(enrolment, "T1", TODAY())
    answers = {k: v for k, v in cats_answers(10).items() if not k.startswith("s")} | {"s1": "3"}
    administration = do_record_administration(child.stays.get().pathway, instrument_id="cats-self-7-17",
                                              administered_on=TODAY(), actor=worker, answers=answers)
    assert not administration.valid
    Measurement.objects.filter(pk=t1.pk).update(administration=administration)
    [course_row] = dossier_section.courses_of(child)
    assert course_row.scores[0].cells[1].state == dossier_section.INVALID


def test_the_dossier_shows_the_scores_in_a_table_with_headers(scored, worker, client_for):
    child, enrolment = scored
    html = client_for(worker).get(reverse("clients:dossier", args=[child.pk])).content.decode()
    section = _section(html)
    table = section.split(f'data-course-scores="{enrolment.pk}"', 1)[1].split("</table>", 1)[0]
    assert '<caption id="course-scores-' in section and "Scores in Testcursus (start 01-09-2026)" in section
    assert table.count('<th scope="col">') == 4 and "T2 (six months after)" in table
    row = table.split('data-instrument="cats-self-7-17"', 1)[1]
    assert '<th scope="row">' in row
    assert "<strong>24</strong>" in row and TODAY().strftime("%d-%m-%Y") in row
    assert "not entered" in row
    assert f"planned {(TODAY() + 90 * DAY).strftime('%d-%m-%Y')}" in row


def test_without_measurements_there_is_no_scores_table(course, org_a, make_child, worker, client_for):
    child = make_child(child_worker=worker)
    _enrol(course, org_a, child)
    html = client_for(worker).get(reverse("clients:dossier", args=[child.pk])).content.decode()
    assert "data-course-enrolment" in html and "data-course-scores" not in html


def test_another_organisation_sees_no_scores(scored, staff, org_b, client_for):
    child, _enrolment = scored
    other = client_for(staff(Role.TEAMLEIDER, org_b, username="tl_b_scores"))
    assert other.get(reverse("clients:dossier", args=[child.pk])).status_code == 404


def test_the_courses_section_reads_in_two_queries(scored, course, org_a, worker, django_assert_num_queries):
    child, _enrolment = scored
    with django_assert_num_queries(2):
        dossier_section.courses_of(child)
    for n in range(3):
        enrolment = _enrol(course, org_a, child, name=f"Groep {n}")
        for timepoint in ("T0", "T1", "T2"):
            _measure(enrolment, timepoint, TODAY() + n * DAY)
    with django_assert_num_queries(2):
        courses = dossier_section.courses_of(child)
    assert len(courses) == 4 and all(len(c.scores) == 1 for c in courses)


def test_dossier_queries_do_not_grow_with_courses(scored, course, org_a, worker, client_for,
                                                  django_assert_max_num_queries):
    child, _enrolment = scored
    client = client_for(worker)
    url = reverse("clients:dossier", args=[child.pk])
    client.get(url)
    with django_assert_max_num_queries(80) as baseline:
        client.get(url)
    count = len(baseline.captured_queries)
    for n in range(3):
        enrolment = _enrol(course, org_a, child, name=f"Groep {n}")
        t0 = _measure(enrolment, "T0", TODAY() - DAY)
        _measure(enrolment, "T2", TODAY() + 90 * DAY)
        measurements.do_record_measurement(t0, actor=worker, administered_on=TODAY(), answers=cats_answers(n))
    with django_assert_max_num_queries(count):
        html = client.get(url).content.decode()
    assert _section(html).count("data-course-scores=") == 4
