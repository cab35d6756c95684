"""The help plan as a PDF (hulpverleningsplan): for professionals, in the language of the user who
prints it.

Nothing about where the family stays can reach the template: the context is a plain
``HelpPlanDocument`` built here from ``queries.plan_for_document`` and the child's name, date of
birth and client number - no model instance, so no stay, location or organisation to walk to.
WeasyPrint is imported by ``render_pdf`` only when a PDF is made.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from veerkracht.core.pdf import render_pdf
from veerkracht.pathway.models import Pathway

from .models import ContactKind, Domain, PlanStatus
from .queries import PlanDocument

TEMPLATE = "plans/pdf/help_plan.html"


@dataclass(frozen=True)
class ActionLine:
    who: str
    what: str
    due_on: datetime.date | None
    done_on: datetime.date | None


@dataclass(frozen=True)
class GoalLine:
    description: str
    start_score: int
    latest_score: int | None
    actions: list[ActionLine]


@dataclass(frozen=True)
class DomainSection:
    domain: str
    label: Any  # lazy: translated when the template renders
    goals: list[GoalLine]


@dataclass(frozen=True)
class ScoreLine:
    domain_label: Any
    description: str
    start_score: int
    scores: list[int | None]  # one per evaluation, oldest first
    ended: bool


@dataclass(frozen=True)
class EvaluationLine:
    held_on: datetime.date
    recorded_by: str
    notes: str
    child_view: str
    parent_view: str


@dataclass(frozen=True)
class ContactLine:
    label: Any
    count: int
    minutes: int


@dataclass(frozen=True)
class HelpPlanDocument:
    """Everything the help plan PDF may show - and nothing else."""

    language: str
    printed_on: datetime.date
    full_name: str
    birth_date: datetime.date | None
    client_number: str
    draft: bool
    status: Any
    adopted_on: datetime.date | None  # the (latest) adoption; a draft may have an earlier one
    adopted_by: str
    next_evaluation_on: datetime.date | None
    child_view: str
    parent_view: str
    domains: list[DomainSection] = field(default_factory=list)
    evaluation_dates: list[datetime.date] = field(default_factory=list)
    scores: list[ScoreLine] = field(default_factory=list)
    evaluations: list[EvaluationLine] = field(default_factory=list)  # newest first
    contacts: list[ContactLine] = field(default_factory=list)
    rtl: bool = False

    @property
    def contact_count(self) -> int:
        return sum(c.count for c in self.contacts)

    @property
    def contact_minutes(self) -> int:
        return sum(c.minutes for c in self.contacts)


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _domain_label(value: str) -> Any:
    return Domain(value).label if value in Domain.values else value


def build_document(data: PlanDocument, *, child: Any, printed_on: datetime.date | None = None,
                   language: str | None = None) -> HelpPlanDocument:
    """The values the PDF shows (no queries: ``data`` comes from ``queries.plan_for_document``)."""
    plan = data.plan
    draft = plan.status != PlanStatus.ADOPTED
    domains = [
        DomainSection(group.domain, _domain_label(group.domain), [
            GoalLine(goal.description, goal.start_score, goal.latest_score,
                     [ActionLine(a.who, a.what, a.due_on, a.done_on) for a in goal.actions.all()])
            for goal in group.goals
        ])
        for group in data.domains
    ]
    evaluations = data.scores.evaluations
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        rtl = translation.get_language_bidi()
    return HelpPlanDocument(
        language=language,
        rtl=rtl,
        printed_on=printed_on or timezone.localdate(),
        full_name=child.full_name,
        birth_date=child.birth_date,
        client_number=child.client_number or "",
        draft=draft,
        status=PlanStatus(plan.status).label,
        adopted_on=plan.adopted_on,
        adopted_by=_name(plan.adopted_by) if plan.adopted_on else "",
        next_evaluation_on=plan.next_evaluation_on,
        child_view=(plan.child_view or "").strip(),
        parent_view=(plan.parent_view or "").strip(),
        domains=domains,
        evaluation_dates=[e.held_on for e in evaluations],
        scores=[ScoreLine(_domain_label(row.goal.domain), row.goal.description, row.start_score, list(row.scores),
                          row.ended) for row in data.scores.rows],
        evaluations=[EvaluationLine(e.held_on, _name(e.created_by), (e.notes or "").strip(),
                                    (e.child_view or "").strip(), (e.parent_view or "").strip())
                     for e in reversed(evaluations)],
        contacts=[ContactLine(ContactKind(t.kind).label, t.count, t.minutes) for t in data.contact_totals],
    )


def render_html(document: HelpPlanDocument) -> str:
    """The document's HTML in its language (what the PDF is made from)."""
    with translation.override(document.language):
        return render_to_string(TEMPLATE, {"doc": document, "pdf_language": translation.get_language()})


def render(document: HelpPlanDocument) -> bytes:
    """The document as an A4, tagged (PDF/UA-1) PDF with embedded fonts, in its language."""
    with translation.override(document.language):
        return render_pdf(TEMPLATE, {"doc": document})


def filename(pathway: Pathway) -> str:
    """A file name without the child's name, e.g. ``hulpverleningsplan-12.pdf``."""
    return f"hulpverleningsplan-{pathway.pk}.pdf"
