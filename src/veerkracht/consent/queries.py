"""Reading consent: scoped through the pathway (another organisation's id is exactly 404), and
the status per subject for a whole pathway in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from veerkracht.clients.models import ParentChild, Person, PersonKind
from veerkracht.pathway.models import ActivityDefinition, Pathway, PathwayActivity
from veerkracht.pathway.queries import visible_pathways

from . import rules
from .models import SHARING, SHARING_LABEL, ConsentRecord, ProcedureDecision, ProcedureStep, RefusalProcedure


@dataclass(frozen=True)
class Subject:
    code: str
    label: str
    definition: ActivityDefinition | None = None


@dataclass
class Cell:
    person: Person
    record: ConsentRecord | None
    to_check: bool = False
    set_aside: bool = False


@dataclass
class Status:
    subject: Subject
    state: str
    requirement: rules.Requirement
    latest: dict[int, ConsentRecord] = field(default_factory=dict)
    missing: list[Person] = field(default_factory=list)
    refused: list[Person] = field(default_factory=list)
    to_check: list[Person] = field(default_factory=list)
    overridden: list[Person] = field(default_factory=list)
    procedure: RefusalProcedure | None = None
    cells: list[Cell] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.subject.code

    @property
    def is_complete(self) -> bool:
        return self.state in (rules.COMPLETE, rules.COMPLETE_BY_DECISION)

    @property
    def state_label(self) -> str:
        return str(rules.STATE_LABELS[self.state])

    @property
    def warnings(self) -> tuple[rules.Warning, ...]:
        return self.requirement.warnings


@dataclass
class Overview:
    child: Person
    requirement: rules.Requirement
    links: list[ParentChild]
    columns: list[Person]  # the persons whose consent matters, the child first
    not_needed: list[ParentChild]  # parents whose consent is not needed
    subjects: list[Subject]
    statuses: dict[str, Status]
    records: list[ConsentRecord]
    procedures: list[RefusalProcedure]


# --- scoping ----------------------------------------------------------------------------------
def visible_procedures(user: Any) -> QuerySet[RefusalProcedure]:
    return RefusalProcedure.objects.filter(pathway__in=visible_pathways(user))


def get_procedure(user: Any, pk: Any) -> RefusalProcedure:
    """A refusal step plan of a child the user may see (else 404); the location is never loaded."""
    return get_object_or_404(
        visible_procedures(user).select_related(
            "pathway__stay__person", "pathway__methodology", "subject", "refusing_parent"
        ).prefetch_related(Prefetch("steps", queryset=ProcedureStep.objects.select_related("by").order_by("number"))),
        pk=pk,
    )


# --- building blocks (one query each) ---------------------------------------------------------
def parent_links(child: Person) -> list[ParentChild]:
    return list(
        ParentChild.objects.filter(child=child).select_related("parent").order_by("parent__kind", "parent__last_name", "pk")
    )


def subjects(pathway: Pathway) -> list[Subject]:
    """Every activity of the pathway that needs consent ("consent for help"), then sharing."""
    activities = (
        PathwayActivity.objects.filter(pathway=pathway, definition__needs_consent=True)
        .select_related("definition")
        .order_by("definition__order")
    )
    result = [Subject(a.definition.code, a.definition.name, a.definition) for a in activities]
    result.append(Subject(SHARING, str(SHARING_LABEL), None))
    return result


def records(pathway: Pathway) -> list[ConsentRecord]:
    """All records of the pathway, oldest first (a later one supersedes an earlier one)."""
    return list(
        ConsentRecord.objects.filter(pathway=pathway)
        .select_related("given_by", "recorded_by", "subject")
        .order_by("date", "id")
    )


def procedures(pathway: Pathway) -> list[RefusalProcedure]:
    return list(
        RefusalProcedure.objects.filter(pathway=pathway)
        .select_related("refusing_parent", "subject")
        .prefetch_related(Prefetch("steps", queryset=ProcedureStep.objects.select_related("by").order_by("number")))
        .order_by("created_at", "id")
    )


def requirement_for(child: Person, links: list[ParentChild], on: datetime.date) -> rules.Requirement:
    return rules.required_consent(
        child.birth_date, on, [rules.Parent(link.parent_id, link.authority) for link in links], child_key=child.pk
    )


def latest_by_subject(all_records: list[ConsentRecord]) -> dict[str, dict[int, ConsentRecord]]:
    """subject code -> person id -> that person's latest record (by date, then by order of entry)."""
    result: dict[str, dict[int, ConsentRecord]] = {}
    for record in sorted(all_records, key=lambda r: (r.date, r.pk)):
        result.setdefault(record.subject_code, {})[record.given_by_id] = record
    return result


def overridden_parents(
    subject_procedures: list[RefusalProcedure], latest: dict[int, ConsentRecord]
) -> set[int]:
    """Parents whose refusal a decision to proceed set aside: their latest refusal was recorded
    before that decision (a refusal recorded after it counts again)."""
    result: set[int] = set()
    for procedure in subject_procedures:
        if procedure.decision != ProcedureDecision.PROCEED or procedure.decided_at is None:
            continue
        for person_id, record in latest.items():
            if record.decision in rules.NOT_GIVEN and record.created_at <= procedure.decided_at:
                result.add(person_id)
    return result


# --- the whole picture ------------------------------------------------------------------------
def overview(pathway: Pathway, today: datetime.date | None = None) -> Overview:
    """Everything the consent page needs, in five queries whatever the number of records."""
    today = today or timezone.localdate()
    child = pathway.stay.person
    links = parent_links(child)
    requirement = requirement_for(child, links, today)
    parents = {link.parent_id: link.parent for link in links}
    persons: dict[int, Person] = {child.pk: child, **parents}
    columns = [persons[key] for key in requirement.required if key in persons]  # type: ignore[index]
    not_needed = [link for link in links if link.parent_id in requirement.parents_not_needed]
    all_subjects = subjects(pathway)
    all_records = records(pathway)
    all_procedures = procedures(pathway)
    latest_all = latest_by_subject(all_records)
    statuses: dict[str, Status] = {}
    for subject in all_subjects:
        latest = latest_all.get(subject.code, {})
        subject_procedures = [p for p in all_procedures if p.subject_code == subject.code]
        overridden = overridden_parents(subject_procedures, latest)
        outcome = rules.evaluate(requirement, {k: r.decision for k, r in latest.items()}, overridden)
        status = Status(
            subject=subject,
            state=outcome.state,
            requirement=requirement,
            latest=latest,
            missing=[persons[k] for k in outcome.missing],  # type: ignore[index]
            refused=[persons[k] for k in outcome.refused],  # type: ignore[index]
            to_check=[persons[k] for k in outcome.to_check],  # type: ignore[index]
            overridden=[persons[k] for k in outcome.overridden],  # type: ignore[index]
            procedure=subject_procedures[-1] if subject_procedures else None,
        )
        status.cells = [
            Cell(
                person=person, record=latest.get(person.pk), to_check=person.pk in requirement.parents_to_check,
                set_aside=person.pk in outcome.overridden,
            )
            for person in columns
        ]
        statuses[subject.code] = status
    return Overview(
        child=child, requirement=requirement, links=links, columns=columns, not_needed=not_needed,
        subjects=all_subjects, statuses=statuses, records=all_records, procedures=all_procedures,
    )


def status_for_pathway(pathway: Pathway, today: datetime.date | None = None) -> dict[str, Status]:
    """subject code -> Status (complete, complete by decision, missing, refused, check authority)."""
    return overview(pathway, today).statuses


def missing_for_activity(pathway: Pathway, code: str) -> bool:
    """True when the activity needs consent and that consent is not complete (for a step-plan badge).

    For many activities at once, call ``status_for_pathway`` once instead."""
    status = status_for_pathway(pathway).get(code)
    return status is not None and code != SHARING and not status.is_complete


def mark_step_plan(steps: list[PathwayActivity], today: datetime.date | None = None) -> None:
    """Set ``consent_missing`` (the state label, or "") on each step of one pathway's step plan:
    one fixed set of queries for the whole plan, none when no step needs consent or the plan is closed."""
    for step in steps:
        step.consent_missing = ""  # type: ignore[attr-defined]
    needing = [step for step in steps if step.definition.needs_consent]
    if not needing or needing[0].pathway.closed_on is not None:
        return
    statuses = status_for_pathway(needing[0].pathway, today)
    for step in needing:
        status = statuses.get(step.definition.code)
        if status is not None and not status.is_complete:
            step.consent_missing = status.state_label  # type: ignore[attr-defined]


def role_of(person: Person) -> str:
    """child / mother / father / caregiver: how a person is named in logs and the timeline."""
    return str(person.kind) if person.kind in PersonKind.values else "person"
