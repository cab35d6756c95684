"""Reading help plans: always through the pathway scoping (out of scope is 404), each in a fixed
number of queries whatever the number of goals, actions, evaluations or contacts."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from veerkracht.pathway.models import Pathway
from veerkracht.pathway.queries import visible_pathways

from .models import (
    DOMAIN_ORDER,
    Action,
    ContactKind,
    Domain,
    Evaluation,
    Goal,
    GoalScore,
    GuidanceContact,
    HelpPlan,
)

WEEK = datetime.timedelta(days=7)


def _goal_key(goal: Goal) -> tuple[int, int, int]:
    return (DOMAIN_ORDER.get(goal.domain, len(DOMAIN_ORDER)), goal.order, goal.pk)


def plan_of(pathway: Pathway) -> HelpPlan | None:
    """The pathway's plan with all its goals (``plan.all_goals``, ended ones too), each with its
    actions (open first) and ``latest_score`` (of the latest evaluation, else None): three queries."""
    latest = (
        GoalScore.objects.filter(goal=OuterRef("pk"))
        .order_by("-evaluation__held_on", "-evaluation_id").values("score")[:1]
    )
    actions = Action.objects.order_by(F("done_on").asc(nulls_first=True), F("due_on").asc(nulls_last=True), "pk")
    goals = Goal.objects.annotate(latest_score=Subquery(latest)).prefetch_related(
        Prefetch("actions", queryset=actions))
    plan = (
        HelpPlan.objects.filter(pathway=pathway)
        .select_related("adopted_by")
        .prefetch_related(Prefetch("goals", queryset=goals, to_attr="all_goals"))
        .first()
    )
    if plan is not None:
        plan.pathway = pathway  # the caller's (scoped) pathway with its stay: no query for it later
        plan.all_goals.sort(key=_goal_key)
    return plan


def current_goals(plan: HelpPlan | None) -> list[Goal]:
    """The goals that have not ended, in domain order (no queries after plan_of)."""
    if plan is None:
        return []
    return [g for g in plan.all_goals if g.ended_on is None]


@dataclass(frozen=True)
class DomainGoals:
    domain: str
    label: str
    goals: list[Goal]


def goals_by_domain(goals: list[Goal]) -> list[DomainGoals]:
    """The goals grouped per life domain, in the fixed order of the domains (only domains with goals)."""
    return [
        DomainGoals(value, str(label), [g for g in goals if g.domain == value])
        for value, label in Domain.choices
        if any(g.domain == value for g in goals)
    ]


def get_action(user: Any, pk: Any) -> Action:
    """An action of a help plan of a child the user may see (else 404), with its goal and pathway."""
    return get_object_or_404(
        Action.objects.filter(goal__plan__pathway__in=visible_pathways(user)).select_related(
            "goal__plan__pathway__methodology", "goal__plan__pathway__stay__person__household",
            "goal__plan__pathway__stay__location",
        ).defer("goal__plan__pathway__stay__location__address"),
        pk=pk,
    )


# --- what changed while someone was editing ---------------------------------------------------------
@dataclass(frozen=True)
class Part:
    key: str
    label: str
    text: str


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    now: str
    state: str  # "changed", "added" or "removed"


def parts(plan: HelpPlan | None) -> list[Part]:
    """The content of the plan as the form edits it: the two views and each current goal (no queries)."""
    if plan is None:
        return []
    result = [Part("child_view", gettext("The child's view"), plan.child_view),
              Part("parent_view", gettext("The parent's view"), plan.parent_view)]
    for goal in current_goals(plan):
        result.append(Part(
            f"goal-{goal.pk}", gettext("Goal (%(domain)s)") % {"domain": goal.get_domain_display()},
            gettext("%(goal)s - score at the start: %(score)d") % {"goal": goal.description,
                                                                   "score": goal.start_score},
        ))
    return result


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fingerprint(plan: HelpPlan | None) -> str:
    """What the form starts from, as digests per part (no content), for the hidden ``base`` field."""
    return json.dumps({p.key: _digest(p.text) for p in parts(plan)}, separators=(",", ":"), sort_keys=True)


def changes_since(base: str, plan: HelpPlan | None) -> list[Change]:
    """The parts that differ from the ``fingerprint`` the form started from (no queries)."""
    try:
        started = json.loads(base or "{}")
    except ValueError:
        started = {}
    if not isinstance(started, dict):
        started = {}
    now = parts(plan)
    result = []
    for part in now:
        if part.key not in started:
            if part.key.startswith("goal-") or part.text:
                result.append(Change(part.key, part.label, part.text, "added"))
        elif started[part.key] != _digest(part.text):
            result.append(Change(part.key, part.label, part.text, "changed"))
    current = {p.key for p in now}
    for key in sorted(set(started) - current):
        result.append(Change(key, gettext("Goal"), "", "removed"))
    return result


# --- evaluations -----------------------------------------------------------------------------------
@dataclass
class ScoreRow:
    goal: Goal
    start_score: int
    scores: list[int | None]  # one per evaluation, oldest first (None: not scored then)
    ended: bool = False


@dataclass
class ScoreTable:
    evaluations: list[Evaluation] = field(default_factory=list)
    rows: list[ScoreRow] = field(default_factory=list)


def evaluations_of(plan: HelpPlan, goals: list[Goal] | None = None) -> ScoreTable:
    """The evaluations (oldest first) and a row per goal: the start score, then each evaluation's
    score. Two queries (three without ``goals`` from plan_of). Ended goals stay in the table when
    they were scored."""
    evaluations = list(plan.evaluations.select_related("created_by").order_by("held_on", "pk"))
    if goals is None:
        goals = sorted(plan.goals.all(), key=_goal_key)
    by_pair = {(e, g): s for e, g, s in
               GoalScore.objects.filter(evaluation__plan=plan).values_list("evaluation_id", "goal_id", "score")}
    scored = {g for _e, g in by_pair}
    rows = []
    for goal in goals:
        if goal.ended_on is not None and goal.pk not in scored:
            continue
        rows.append(ScoreRow(goal=goal, start_score=goal.start_score,
                             scores=[by_pair.get((e.pk, goal.pk)) for e in evaluations],
                             ended=goal.ended_on is not None))
    return ScoreTable(evaluations=evaluations, rows=rows)


# --- guidance contacts -----------------------------------------------------------------------------
def contacts_of(pathway: Pathway) -> QuerySet[GuidanceContact]:
    """The child's guidance contacts, newest first, with the goals they served (two queries)."""
    return (
        GuidanceContact.objects.filter(pathway=pathway)
        .select_related("created_by")
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.order_by("order", "pk")))
        .order_by("-date", "-pk")
    )


@dataclass(frozen=True)
class ContactTotal:
    kind: str
    label: str
    count: int
    minutes: int


def contact_totals(pathway: Pathway) -> list[ContactTotal]:
    """Number of contacts and minutes per kind (one query)."""
    rows = (
        GuidanceContact.objects.filter(pathway=pathway).values("kind")
        .annotate(n=Count("pk"), minutes=Sum("duration_minutes")).order_by("kind")
    )
    found = {r["kind"]: r for r in rows}
    return [ContactTotal(value, str(label), found[value]["n"], found[value]["minutes"] or 0)
            for value, label in ContactKind.choices if value in found]


# --- a document (the help plan PDF, the handover) ---------------------------------------------------
@dataclass
class PlanDocument:
    plan: HelpPlan
    goals: list[Goal]  # current goals, domain order, with .actions and .latest_score
    domains: list[DomainGoals]
    scores: ScoreTable
    contacts: list[GuidanceContact]
    contact_totals: list[ContactTotal]

    @property
    def contact_minutes(self) -> int:
        return sum(t.minutes for t in self.contact_totals)


def plan_for_document(pathway: Pathway) -> PlanDocument | None:
    """Everything a PDF of the help plan needs, in eight queries whatever its size; None without a plan.

    Holds no location, no address: only the plan, its goals, actions, evaluations and contacts."""
    plan = plan_of(pathway)
    if plan is None:
        return None
    goals = current_goals(plan)
    return PlanDocument(
        plan=plan, goals=goals, domains=goals_by_domain(goals), scores=evaluations_of(plan, plan.all_goals),
        contacts=list(contacts_of(pathway)), contact_totals=contact_totals(pathway),
    )


# --- the worklist ----------------------------------------------------------------------------------
def due_evaluations(pathways: Any, today: datetime.date) -> QuerySet[HelpPlan]:
    """Plans of these pathways that were adopted and whose next evaluation is within a week or
    overdue, with their child (one query). A plan changed after its adoption (a draft again) keeps
    its evaluation cycle, so it stays here too."""
    return (
        HelpPlan.objects.filter(pathway__in=pathways, adopted_on__isnull=False,
                                next_evaluation_on__lte=today + WEEK)
        .select_related("pathway__stay__person")
        .order_by("next_evaluation_on", "pk")
    )
