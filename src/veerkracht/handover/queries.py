"""What a next care provider gets at discharge (overdracht): the step plan, the current safety plan,
the help plan with its evaluations, and the referrals - read in a fixed number of queries.

Nothing about where the family stays is read: the pathway comes from pathway.queries.get_pathway
(which never loads the location's address) and no template gets the stay's location. Screening
results join this summary when the screening app lands (issue 6)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from veerkracht.consent.models import SHARING
from veerkracht.consent.queries import status_for_pathway
from veerkracht.pathway.models import Pathway, PathwayActivity
from veerkracht.plans.models import DOMAIN_ORDER, Evaluation, Goal, GoalScore, HelpPlan
from veerkracht.referrals.models import Referral, ReferralEvent
from veerkracht.safety.models import CONTENT_FIELDS, SafetyPlan


@dataclass(frozen=True)
class Part:
    label: str
    text: str


@dataclass
class GoalRow:
    goal: Goal
    scores: list[int | None]  # per evaluation, in the order of ``HandoverData.evaluations``

    @property
    def last_score(self) -> int:
        known = [s for s in self.scores if s is not None]
        return known[-1] if known else self.goal.start_score


@dataclass
class HandoverData:
    pathway: Pathway
    child: Any
    today: datetime.date
    sharing_consent: bool
    activities: list[PathwayActivity]
    safety_plan: SafetyPlan | None = None
    safety_revision: Any = None
    safety_parts: list[Part] = field(default_factory=list)
    help_plan: HelpPlan | None = None
    goals: list[GoalRow] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)

    @property
    def open_referrals(self) -> list[Referral]:
        return [r for r in self.referrals if r.is_open]

    @property
    def closed_referrals(self) -> list[Referral]:
        return [r for r in self.referrals if not r.is_open]


def sharing_consent_given(pathway: Pathway) -> bool:
    """True when consent for sharing with a next care provider is complete (every required person)."""
    status = status_for_pathway(pathway).get(SHARING)
    return bool(status is not None and status.is_complete)


def handover_data(pathway: Pathway, today: datetime.date | None = None) -> HandoverData:
    today = today or timezone.localdate()
    activities = list(
        PathwayActivity.objects.filter(pathway=pathway).select_related("definition", "assigned_to")
        .order_by("definition__order")
    )
    data = HandoverData(pathway=pathway, child=pathway.stay.person, today=today,
                        sharing_consent=sharing_consent_given(pathway), activities=activities)
    plan = SafetyPlan.objects.filter(pathway=pathway).select_related("adopted_revision__adopted_by").first()
    if plan is not None:
        data.safety_plan = plan
        revision = plan.adopted_revision or plan.revisions.order_by("-number").first()
        data.safety_revision = revision
        if revision is not None:
            data.safety_parts = [Part(str(label), getattr(revision, name)) for name, label in CONTENT_FIELDS
                                 if getattr(revision, name)]
    help_plan = (
        HelpPlan.objects.filter(pathway=pathway).select_related("adopted_by")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.filter(ended_on=None).prefetch_related("actions")),
            Prefetch("evaluations", queryset=Evaluation.objects.order_by("held_on", "pk")),
        )
        .first()
    )
    if help_plan is not None:
        data.help_plan = help_plan
        data.evaluations = list(help_plan.evaluations.all())
        scores = {(s.evaluation_id, s.goal_id): s.score
                  for s in GoalScore.objects.filter(evaluation__plan=help_plan).only("evaluation_id", "goal_id", "score")}
        data.goals = [GoalRow(goal, [scores.get((e.pk, goal.pk)) for e in data.evaluations])
                      for goal in sorted(help_plan.goals.all(), key=lambda g: (DOMAIN_ORDER[g.domain], g.order, g.pk))]
    data.referrals = list(
        Referral.objects.filter(pathway=pathway)
        .prefetch_related(Prefetch("events", queryset=ReferralEvent.objects.order_by("on", "pk")))
        .order_by("-sent_on", "-pk")
    )
    return data
