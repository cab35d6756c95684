"""The demo seed opens completed groups with attendance and a running group, through the services."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from veerkracht.clients.models import age_on
from veerkracht.courses.demo import seed
from veerkracht.courses.models import Attendance, Enrolment, EnrolmentStatus, Group, GroupStatus
from veerkracht.pathway.models import Pathway

pytestmark = pytest.mark.django_db


def test_seed_makes_completed_groups_with_attendance(make_child, worker):
    for age in (5, 6, 6, 7, 8, 9, 10, 11, 5, 4):
        make_child(age=age)
    make_child(age=9, consent=False)
    pathways = list(Pathway.objects.select_related("stay__person").order_by("pk"))
    counts = seed(pathways, actor=worker, today=timezone.localdate(), rng=random.Random(3))
    assert counts["groups"] == Group.objects.count() == 3
    assert set(Group.objects.values_list("status", flat=True)) == {GroupStatus.COMPLETED, GroupStatus.RUNNING}
    completed = Group.objects.filter(status=GroupStatus.COMPLETED)
    for group in completed:
        assert group.enrolments.exists()
        assert not group.sessions.filter(attendances__isnull=True).exists()  # every session recorded
    assert Enrolment.objects.filter(group__in=completed, status=EnrolmentStatus.COMPLETED).exists()
    assert counts["dropouts"] == Enrolment.objects.filter(status=EnrolmentStatus.DROPPED_OUT).count() >= 1
    assert counts["present"] == Attendance.objects.filter(present=True).count() > 0
    # the child without consent is never enrolled
    assert not Enrolment.objects.filter(child=pathways[-1].stay.person).exists()
    # every enrolled child fits the course's ages on the start date
    for enrolment in Enrolment.objects.select_related("group__template", "child"):
        age = age_on(enrolment.child.birth_date, enrolment.group.start_date)
        assert enrolment.group.template.min_age <= age <= enrolment.group.template.max_age
