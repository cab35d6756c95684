"""The measurement pages: the group's editors plan, a worker of the child's organisation links the result
entered on the screening page; nobody else sees the child."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.courses.models import CourseTemplate, Enrolment, Group, Measurement
from veerkracht.screening.models import Administration
from veerkracht.screening.services import do_record_administration

from .test_measurements import cats_answers


@pytest.fixture
def setup(db, org_a, make_child, staff):  # type: ignore[no-untyped-def]
    course = CourseTemplate.objects.create(code="test-course", name="Testcursus", min_age=6, max_age=12, sessions=3,
                                           minutes=90, max_children=8, instruments=["cats-self-7-17"])
    group = Group.objects.create(template=course, organisation=org_a, name="Groep Noord",
                                 start_date=datetime.date(2026, 9, 1), max_children=8)
    child = make_child(first_name="Mila", last_name="de Boer")
    Enrolment.objects.create(group=group, child=child)
    return group, child, staff(Role.MENTOR, org_a, username="mentor_meas")


def test_plan_and_link_through_the_pages(setup, client_for):
    group, child, mentor = setup
    client = client_for(mentor)
    response = client.post(reverse("courses:measurements", args=[group.pk]))
    assert response.status_code == 302 and Measurement.objects.count() == 3
    html = client.get(reverse("courses:measurements", args=[group.pk])).content.decode()
    assert "Mila de Boer" in html and "overdue" in html  # T0 and T1 (1 and 15 September) have passed
    t0 = Measurement.objects.get(timepoint="T0")
    page = client.get(reverse("courses:measurement", args=[t0.pk])).content.decode()
    assert reverse("screening:administer", args=[child.stays.get().pathway.pk, "cats-self-7-17"]) in page
    administration = do_record_administration(child.stays.get().pathway, instrument_id="cats-self-7-17",
                                              administered_on=timezone.localdate(), actor=mentor,
                                              answers=cats_answers(18))
    response = client.post(reverse("courses:measurement", args=[t0.pk]),
                           {"administration": administration.pk, "version": t0.version})
    assert response.status_code == 302
    t0.refresh_from_db()
    assert t0.administration == administration
    # the same result cannot be linked twice
    t1 = Measurement.objects.get(timepoint="T1")
    response = client.post(reverse("courses:measurement", args=[t1.pk]),
                           {"administration": administration.pk, "version": t1.version})
    assert response.status_code == 400 and "already linked" in response.content.decode()


def test_stale_or_bad_link_is_refused_with_a_message(setup, client_for):
    group, child, mentor = setup
    client = client_for(mentor)
    client.post(reverse("courses:measurements", args=[group.pk]))
    t0 = Measurement.objects.get(timepoint="T0")
    response = client.post(reverse("courses:measurement", args=[t0.pk]), {"administration": "x", "version": "0"})
    assert response.status_code == 400 and "Choose a valid result" in response.content.decode()
    administration = do_record_administration(child.stays.get().pathway, instrument_id="cats-self-7-17",
                                              administered_on=timezone.localdate(), actor=mentor,
                                              answers=cats_answers(18))
    response = client.post(reverse("courses:measurement", args=[t0.pk]),
                           {"administration": administration.pk, "version": "7"})
    assert response.status_code == 400 and "meanwhile" in response.content.decode()
    t0.refresh_from_db()
    assert t0.administration is None


def test_other_organisation_sees_nothing(setup, client_for, staff, org_b):
    group, _child, mentor = setup
    client_for(mentor).post(reverse("courses:measurements", args=[group.pk]))
    other = client_for(staff(Role.TEAMLEIDER, org_b, username="tl_b_meas"))
    assert other.get(reverse("courses:measurements", args=[group.pk])).status_code == 404
    t0 = Measurement.objects.get(timepoint="T0")
    assert other.get(reverse("courses:measurement", args=[t0.pk])).status_code == 404
    assert other.post(reverse("courses:measurements", args=[group.pk])).status_code == 404
    assert not Administration.objects.exists()


def test_measurements_page_queries_bounded(setup, client_for, make_child, django_assert_max_num_queries):
    group, _child, mentor = setup
    client = client_for(mentor)
    client.post(reverse("courses:measurements", args=[group.pk]))
    url = reverse("courses:measurements", args=[group.pk])
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    count = len(few.captured_queries)
    for _n in range(3):
        Enrolment.objects.create(group=group, child=make_child())
    client.post(url)
    assert Measurement.objects.count() == 12
    with django_assert_max_num_queries(count):
        client.get(url)
