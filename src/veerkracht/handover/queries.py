"""What a next care provider gets at discharge (overdracht): the step plan, the current safety plan,
the help plan with its evaluations, the child's screening results and the referrals - read in a
fixed number of queries.

Like the other documents, the handover is built from plain values (``HandoverData``): no model object
reaches a template, so nothing about where the family stays can (the pathway comes from
pathway.queries.get_pathway, which never loads the location's address). The handover names neither
the organisation nor the location (where an organisation runs one shelter its name alone points to the place), and leaves
out the child's code word."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from veerkracht.consent.models import SHARING
from veerkracht.consent.queries import status_for_pathway
from veerkracht.pathway.models import Pathway, PathwayActivity
from veerkracht.plans.models import DOMAIN_ORDER, Domain, Evaluation, Goal, GoalScore, HelpPlan
from veerkracht.referrals.models import Referral
from veerkracht.safety.models import CONTENT_FIELDS, SafetyPlan

HANDOVER_LEAVES_OUT = {"code_word"}


@dataclass(frozen=True)
class Part:
    label: str
    text: str


@dataclass(frozen=True)
class StepLine:
    name: str
    status: str
    completed_on: datetime.date | None
    reason: str


@dataclass(frozen=True)
class SafetySummary:
    revision: int
    adopted_on: datetime.date | None  # None: the latest revision is a draft that was never adopted
    review_date: datetime.date | None
    parts: list[Part]


@dataclass(frozen=True)
class ActionLine:
    who: str
    what: str
    due_on: datetime.date | None
    done_on: datetime.date | None


@dataclass(frozen=True)
class GoalLine:
    domain: str
    description: str
    start_score: int
    scores: list[int | None]  # per evaluation, in the order of ``HelpSummary.evaluation_dates``
    actions: list[ActionLine]


@dataclass(frozen=True)
class HelpSummary:
    adopted_on: datetime.date | None
    draft: bool
    child_view: str
    parent_view: str
    evaluation_dates: list[datetime.date]
    evaluation_notes: list[Part]  # label: the date
    goals: list[GoalLine]


@dataclass(frozen=True)
class ReferralLine:
    kind: str
    to_whom: str
    sent_on: datetime.date
    status: str
    since: datetime.date
    is_open: bool
    closing_reason: str
    closed_on: datetime.date | None


@dataclass(frozen=True)
class ScreeningLine:
    instrument: str
    administered_on: datetime.date
    valid: bool
    total: int | None
    band: str
    clinical: bool


@dataclass
class HandoverData:
    today: datetime.date
    sharing_consent: bool
    child_name: str
    birth_date: datetime.date | None
    admission_date: datetime.date
    discharge_date: datetime.date | None
    methodology: str
    steps: list[StepLine]
    safety: SafetySummary | None = None
    help_plan: HelpSummary | None = None
    screenings: list[ScreeningLine] = field(default_factory=list)
    referrals: list[ReferralLine] = field(default_factory=list)

    @property
    def open_referrals(self) -> list[ReferralLine]:
        return [r for r in self.referrals if r.is_open]

    @property
    def closed_referrals(self) -> list[ReferralLine]:
        return [r for r in self.referrals if not r.is_open]


def sharing_consent_given(pathway: Pathway) -> bool:
    """True when consent for sharing with a next care provider is complete (every required person)."""
    status = status_for_pathway(pathway).get(SHARING)
    return bool(status is not None and status.is_complete)


def _safety(pathway: Pathway) -> SafetySummary | None:
    plan = SafetyPlan.objects.filter(pathway=pathway).select_related("adopted_revision").first()
    if plan is None:
        return None
    revision = plan.adopted_revision or plan.revisions.order_by("-number").first()
    if revision is None:
        return None
    adopted_on = timezone.localdate(revision.adopted_at) if plan.adopted_revision and revision.adopted_at else None
    # the code word stays between the child and its safe persons: it is not handed over
    parts = [Part(str(label), getattr(revision, name)) for name, label in CONTENT_FIELDS
             if getattr(revision, name) and name not in HANDOVER_LEAVES_OUT]
    return SafetySummary(revision=revision.number, adopted_on=adopted_on,
                         review_date=plan.review_date if adopted_on else None, parts=parts)


def _help_plan(pathway: Pathway) -> HelpSummary | None:
    plan = (
        HelpPlan.objects.filter(pathway=pathway)
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.filter(ended_on=None).prefetch_related("actions")),
            Prefetch("evaluations", queryset=Evaluation.objects.order_by("held_on", "pk")),
        )
        .first()
    )
    if plan is None:
        return None
    evaluations = list(plan.evaluations.all())
    scores = {(s.evaluation_id, s.goal_id): s.score
              for s in GoalScore.objects.filter(evaluation__plan=plan).only("evaluation_id", "goal_id", "score")}
    goals = [
        GoalLine(
            domain=str(Domain(goal.domain).label), description=goal.description, start_score=goal.start_score,
            scores=[scores.get((e.pk, goal.pk)) for e in evaluations],
            actions=[ActionLine(a.who, a.what, a.due_on, a.done_on) for a in goal.actions.all()],
        )
        for goal in sorted(plan.goals.all(), key=lambda g: (DOMAIN_ORDER[g.domain], g.order, g.pk))
    ]
    return HelpSummary(
        adopted_on=plan.adopted_on, draft=plan.status != "adopted", child_view=plan.child_view,
        parent_view=plan.parent_view, evaluation_dates=[e.held_on for e in evaluations],
        evaluation_notes=[Part(e.held_on.strftime("%d-%m-%Y"), e.notes) for e in evaluations if e.notes],
        goals=goals,
    )


def _screenings(pathway: Pathway) -> list[ScreeningLine]:
    """The child's own screenings (not a parent's questionnaires about herself), oldest first."""
    from veerkracht.screening.models import Administration
    from veerkracht.screening.queries import registry

    instruments = registry()
    lines = []
    for a in (Administration.objects.filter(pathway=pathway, subject=pathway.stay.person)
              .only("instrument_id", "administered_on", "valid", "total", "band", "clinical")
              .order_by("administered_on", "pk")):
        instrument = instruments.get(a.instrument_id)
        band = ""
        if instrument is not None and instrument.total is not None and a.band:
            band = next((str(b.label) for b in instrument.total.bands if b.code == a.band), a.band)
        lines.append(ScreeningLine(instrument=str(instrument.label) if instrument else a.instrument_id,
                                   administered_on=a.administered_on, valid=a.valid, total=a.total, band=band,
                                   clinical=a.clinical))
    return lines


def _referrals(pathway: Pathway) -> list[ReferralLine]:
    return [
        ReferralLine(kind=r.kind_label, to_whom=r.to_whom, sent_on=r.sent_on, status=r.get_status_display(),
                     since=r.status_since, is_open=r.is_open, closing_reason=r.get_closing_reason_display(),
                     closed_on=r.closed_on)
        for r in Referral.objects.filter(pathway=pathway).order_by("-sent_on", "-pk")
    ]


def handover_data(pathway: Pathway, today: datetime.date | None = None) -> HandoverData:
    """``pathway`` from pathway.queries.get_pathway (child, stay and methodology loaded)."""
    child: Any = pathway.stay.person
    steps = [
        StepLine(a.definition.name, a.get_status_display(), a.completed_on, a.reason)
        for a in PathwayActivity.objects.filter(pathway=pathway).select_related("definition")
        .order_by("definition__order")
    ]
    return HandoverData(
        today=today or timezone.localdate(), sharing_consent=sharing_consent_given(pathway),
        child_name=child.full_name, birth_date=child.birth_date, admission_date=pathway.stay.admission_date,
        discharge_date=pathway.stay.discharge_date, methodology=pathway.methodology.name, steps=steps,
        safety=_safety(pathway), help_plan=_help_plan(pathway), screenings=_screenings(pathway),
        referrals=_referrals(pathway),
    )
