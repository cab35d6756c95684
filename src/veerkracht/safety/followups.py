"""Safety plans on "Mijn werk": an adopted plan whose review date is near or past, and a plan
that waits for adoption by the gedragswetenschapper (a new draft or one never adopted)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from veerkracht.pathway.followups import FollowUp, state_for
from veerkracht.pathway.queries import OPEN

from .models import PlanStatus, SafetyPlan


def due_reviews(pathways: Any, today: datetime.date) -> Iterator[FollowUp]:
    """One query over the given (already scoped) pathways."""
    soon = today + datetime.timedelta(days=7)
    plans = (
        SafetyPlan.objects.filter(pathway__in=pathways)
        .exclude(status=PlanStatus.ADOPTED, review_date__gt=soon)
        .exclude(status=PlanStatus.ADOPTED, review_date__isnull=True)
        .select_related("pathway__stay__person")
        .order_by("pk")
    )
    for plan in plans:
        url = reverse("safety:plan", kwargs={"pk": plan.pathway_id})
        child = plan.pathway.stay.person
        if plan.review_date is not None and plan.review_date <= soon:
            # also while a changed plan waits for its new adoption: the review stays due
            yield FollowUp(child=child, kind="safety_review", title=gettext("Review the safety plan"),
                           state=state_for(plan.review_date, today), due_date=plan.review_date, url=url)
        if plan.status != PlanStatus.ADOPTED:
            yield FollowUp(child=child, kind="safety_adoption",
                           title=gettext("Safety plan waits for adoption by the gedragswetenschapper"),
                           state=OPEN, url=url)
