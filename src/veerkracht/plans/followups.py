"""Help plans on "Mijn werk": an adopted plan whose next evaluation is within a week or overdue, and
a plan (new or changed) that waits for adoption by the gedragswetenschapper."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from veerkracht.pathway.followups import FollowUp, state_for
from veerkracht.pathway.queries import OPEN

from .models import HelpPlan, PlanStatus
from .queries import due_evaluations


def evaluations_due(pathways: Any, today: datetime.date) -> Iterator[FollowUp]:
    """One query over the given (already scoped) pathways."""
    for plan in due_evaluations(pathways, today):
        yield FollowUp(
            child=plan.pathway.stay.person, kind="evaluation", title=gettext("Evaluate the help plan"),
            state=state_for(plan.next_evaluation_on, today), due_date=plan.next_evaluation_on,
            url=reverse("plans:plan", kwargs={"pk": plan.pathway_id}),
        )


def adoptions_due(pathways: Any, today: datetime.date) -> Iterator[FollowUp]:
    """Draft plans of the given pathways with at least one current goal (one query): a plan without
    goals cannot be adopted yet."""
    drafts = (HelpPlan.objects.filter(pathway__in=pathways, status=PlanStatus.DRAFT,
                                      goals__isnull=False, goals__ended_on__isnull=True)
              .distinct().select_related("pathway__stay__person").order_by("pk"))
    for plan in drafts:
        yield FollowUp(
            child=plan.pathway.stay.person, kind="help_plan_adoption",
            title=gettext("Help plan waits for adoption by the gedragswetenschapper"), state=OPEN,
            url=reverse("plans:plan", kwargs={"pk": plan.pathway_id}),
        )
