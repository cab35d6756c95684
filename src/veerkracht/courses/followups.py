"""Course measurements on "Mijn werk": a T0, T1 or T2 questionnaire of a child in a group course that
is due within a week or overdue and not yet entered (one query). The child's own workers get it: only
they enter the questionnaire (on the measurement page or the child's screening page) and link it -
also after the child has left the shelter (ADR 0013: the provider asks for the discharged children's
pathways too). A child who dropped out has no measurement due."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext

from veerkracht.clients.models import Stay
from veerkracht.pathway.followups import FollowUp, state_for

from . import effect
from .models import EnrolmentStatus, Measurement

KIND = "course_measurement"


def measurements_due(pathways: Any, today: datetime.date) -> Iterator[FollowUp]:
    due = (
        Measurement.objects.filter(
            administration__isnull=True, due_on__lte=today + datetime.timedelta(days=7),
            enrolment__child__in=pathways.values("stay__person"),
            enrolment__status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED],
        )
        .select_related("enrolment__child")
        .annotate(in_care=Exists(Stay.objects.filter(person_id=OuterRef("enrolment__child_id"),
                                                     discharge_date__isnull=True)))
        .order_by("due_on", "pk")
    )
    for item in due:
        facts = {"timepoint": item.timepoint, "questionnaire": effect.instrument_label(item.instrument_id)}
        yield FollowUp(
            child=item.enrolment.child, kind=KIND,
            title=(gettext("Group course measurement %(timepoint)s: %(questionnaire)s") if item.in_care
                   else gettext("Group course measurement %(timepoint)s: %(questionnaire)s (the child has left the "
                                "shelter)")) % facts,
            state=state_for(item.due_on, today), due_date=item.due_on,
            url=reverse("courses:measurement", kwargs={"pk": item.pk}),
        )

