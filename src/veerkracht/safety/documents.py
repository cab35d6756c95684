"""The safety plan's PDFs: a version for young children (pictograms, few words), one for older
children (plain, short sentences) and one for professionals - each in the plan's own language.

Nothing about where the family stays can reach a template: the context is a plain ``SafetyDocument``
built here from the printed revision, with the child's first name (child versions) or client
number (professional version) and nothing else of the child, the stay, the location or the
organisation. WeasyPrint is imported by ``render_pdf`` only when a PDF is made.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from veerkracht.clients.models import age_on
from veerkracht.core.pdf import render_pdf
from veerkracht.pathway.models import Pathway

from . import queries
from .models import CONTENT_FIELDS, CONTENT_NAMES, PlanStatus, SafetyPlan, SafetyPlanRevision, language_info

YOUNG, OLDER, PROFESSIONAL = "young", "older", "professional"
VERSIONS = (YOUNG, OLDER, PROFESSIONAL)
YOUNG_UNDER = 8  # a child under 8 on the day of printing gets the version with pictograms
TEMPLATES = {
    YOUNG: "safety/pdf/child_young.html",
    OLDER: "safety/pdf/child_older.html",
    PROFESSIONAL: "safety/pdf/professional.html",
}
EMERGENCY_NUMBER = "112"
VEILIG_THUIS_NUMBER = "0800-2000"


def default_version(child: Any, on: datetime.date | None = None) -> str:
    """"young" for a child under 8 on ``on`` (default today), else "older" (also when the age is unknown)."""
    age = age_on(child.birth_date, on or timezone.localdate())
    return YOUNG if age is not None and age < YOUNG_UNDER else OLDER


@dataclass(frozen=True)
class Part:
    name: str
    label: Any  # lazy: translated when the template renders, inside the plan's language
    text: str


@dataclass(frozen=True)
class SafetyDocument:
    """Everything a safety-plan PDF may show - and nothing else."""

    version: str
    language: str
    rtl: bool
    printed_on: datetime.date
    revision_number: int
    draft: bool  # no revision adopted yet: the latest revision is printed, marked as draft
    content: dict[str, str]
    first_name: str = ""  # child versions only
    client_number: str = ""  # professional version only
    status: Any = ""
    saved_on: datetime.date | None = None
    adopted_by: str = ""
    adopted_on: datetime.date | None = None
    review_date: datetime.date | None = None
    newer_draft: int | None = None  # a later, not yet adopted revision (professional version)
    parts: list[Part] = field(default_factory=list)
    emergency_number: str = EMERGENCY_NUMBER
    veilig_thuis_number: str = VEILIG_THUIS_NUMBER

    @property
    def agreements(self) -> bool:
        return any(self.content[n] for n in ("agreements_parent", "agreements_school", "agreements_network"))


def revision_to_print(plan: SafetyPlan) -> tuple[SafetyPlanRevision | None, bool]:
    """(revision, is_draft): the adopted revision when there is one, else the latest one as a draft.

    ``plan`` comes from ``queries.plan_of`` (its adopted revision is already loaded)."""
    if plan.adopted_revision_id is not None:
        return plan.adopted_revision, False
    return queries.latest_revision(plan), True


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(value) if value is not None else None


def build_document(plan: SafetyPlan, revision: SafetyPlanRevision, *, version: str, draft: bool, child: Any,
                   printed_on: datetime.date | None = None, newer_draft: int | None = None) -> SafetyDocument:
    """The values one version shows. The child gives only its first name or client number."""
    if version not in VERSIONS:
        raise ValueError(f"unknown safety plan version {version!r}")
    professional = version == PROFESSIONAL
    content = {name: (getattr(revision, name) or "").strip() for name in CONTENT_NAMES}
    return SafetyDocument(
        version=version,
        language=plan.language,
        rtl=language_info(plan.language)["bidi"],
        printed_on=printed_on or timezone.localdate(),
        revision_number=revision.number,
        draft=draft,
        content=content,
        first_name="" if professional else child.first_name,
        client_number=child.client_number if professional else "",
        status=PlanStatus(PlanStatus.DRAFT if draft else PlanStatus.ADOPTED).label,
        saved_on=_local_date(revision.created_at),
        adopted_by="" if draft else _name(revision.adopted_by),
        adopted_on=None if draft else _local_date(revision.adopted_at),
        review_date=None if draft else plan.review_date,
        newer_draft=newer_draft if professional else None,
        parts=[Part(name, label, content[name]) for name, label in CONTENT_FIELDS] if professional else [],
    )


def document_for(plan: SafetyPlan, *, version: str, child: Any,
                 printed_on: datetime.date | None = None) -> SafetyDocument | None:
    """The document of ``version`` for a plan, or None when the plan has no revision yet."""
    revision, draft = revision_to_print(plan)
    if revision is None:
        return None
    newer_draft = None
    if version == PROFESSIONAL and not draft and plan.status == PlanStatus.DRAFT:
        latest = queries.latest_revision(plan)
        newer_draft = latest.number if latest is not None and latest.number != revision.number else None
    return build_document(plan, revision, version=version, draft=draft, child=child, printed_on=printed_on,
                          newer_draft=newer_draft)


def render_html(document: SafetyDocument) -> str:
    """The document's HTML in the plan's language (what the PDF is made from)."""
    with translation.override(document.language):
        return render_to_string(TEMPLATES[document.version], {"doc": document,
                                                             "pdf_language": translation.get_language()})


def render(document: SafetyDocument) -> bytes:
    """The document as an A4, tagged (PDF/UA-1) PDF with embedded fonts, in the plan's language."""
    with translation.override(document.language):
        return render_pdf(TEMPLATES[document.version], {"doc": document})


def filename(pathway: Pathway, version: str) -> str:
    """A file name without the child's name, e.g. ``veiligheidsplan-12-young.pdf``."""
    return f"veiligheidsplan-{pathway.pk}-{version}.pdf"

