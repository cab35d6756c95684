"""The only way to write consent: atomic functions with a keyword-only ``actor`` that write
their audit event in the same transaction. Audit details hold codes and roles, never names
or notes."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients.models import Person
from veerkracht.core.concurrency import save_with_version
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import check_can_edit, check_pathway_open

from . import queries, rules
from .models import (
    SHARING,
    ConsentRecord,
    Decision,
    How,
    ProcedureDecision,
    ProcedureStep,
    RefusalProcedure,
    Step,
)


def _check_not_in_future(date: datetime.date | None) -> None:
    if date is None:
        raise ValidationError(_("Enter the date."), code="date")
    if date > timezone.localdate():
        raise ValidationError(_("The date cannot lie in the future."), code="future")


def _subject(pathway: Pathway, code: str) -> queries.Subject:
    for subject in queries.subjects(pathway):
        if subject.code == code:
            return subject
    raise ValidationError(_("Choose a subject of this child's pathway."), code="subject")


def do_record_consent(
    pathway: Pathway,
    *,
    subject_code: str,
    given_by: Person,
    decision: str,
    date: datetime.date,
    how: str,
    note: str = "",
    actor: Any,
) -> ConsentRecord:
    """Append a decision (given, refused, withdrawn) of the child or a parent for one subject.

    The person must be the child or one of the child's parents whose consent matters on that
    date. A refusal while someone else consents starts the refusal step plan."""
    child = pathway.stay.person
    check_can_edit(actor, child)
    if decision != Decision.WITHDRAWN:  # consent can always be withdrawn, also after discharge
        check_pathway_open(pathway)
    errors: list[ValidationError] = []
    if decision not in Decision.values:
        errors.append(ValidationError(_("Choose a valid decision."), code="decision"))
    if how not in How.values:
        errors.append(ValidationError(_("Choose how the decision was given."), code="how"))
    try:
        _check_not_in_future(date)
    except ValidationError as exc:
        errors.append(exc)
    subject = None
    try:
        subject = _subject(pathway, subject_code)
    except ValidationError as exc:
        errors.append(exc)
    links = queries.parent_links(child)
    if given_by.pk != child.pk and given_by.pk not in {link.parent_id for link in links}:
        errors.append(ValidationError(_("Choose the child or a parent of this child."), code="person"))
    elif date is not None:
        requirement = queries.requirement_for(child, links, min(date, timezone.localdate()))
        if not requirement.matters(given_by.pk):
            if given_by.pk == child.pk:
                message = _("At this age the parents with parental authority consent, not the child.")
            elif requirement.band == rules.FROM_16:
                message = _("From 16 the young person consents alone; a parent's consent is not needed.")
            else:
                message = _("This parent has no parental authority; their consent is not needed.")
            errors.append(ValidationError(message, code="not_needed"))
    if errors:
        raise ValidationError(errors)
    note = (note or "").strip()
    assert subject is not None
    with transaction.atomic():
        # One writer per pathway at a time: the check for a refusal step plan below stays correct.
        Pathway.objects.select_for_update().filter(pk=pathway.pk).values_list("pk", flat=True).first()
        latest = (
            ConsentRecord.objects
            .filter(pathway=pathway, subject_code=subject.code, given_by=given_by)
            .order_by("-date", "-id")
            .first()
        )
        if decision == Decision.WITHDRAWN and (latest is None or latest.decision != Decision.GIVEN):
            raise ValidationError(_("There is no consent to withdraw."), code="nothing_to_withdraw")
        consent = ConsentRecord.objects.create(
            pathway=pathway, subject=subject.definition, subject_code=subject.code, given_by=given_by,
            decision=decision, date=date, how=how, note=note, recorded_by=actor,
        )
        record(
            actor=actor, action=Action.CREATE, obj=consent, client=child,
            changed_fields=["subject_code", "given_by", "decision", "date", "how"] + (["note"] if note else []),
            detail=f"consent {subject.code}: {decision} by {queries.role_of(given_by)}",
        )
        _start_procedure_if_needed(pathway, subject, actor=actor)
    return consent


def _start_procedure_if_needed(pathway: Pathway, subject: queries.Subject, *, actor: Any) -> RefusalProcedure | None:
    """One parent with authority refuses while someone else consents: start the step plan
    (unless one is open, or a decision to proceed already set this refusal aside)."""
    child = pathway.stay.person
    links = queries.parent_links(child)
    requirement = queries.requirement_for(child, links, timezone.localdate())
    latest = queries.latest_by_subject(
        list(ConsentRecord.objects.filter(pathway=pathway, subject_code=subject.code))
    ).get(subject.code, {})
    refusing = rules.refusal_conflict(requirement, {k: r.decision for k, r in latest.items()})
    if not refusing:
        return None
    existing = list(RefusalProcedure.objects.filter(pathway=pathway, subject_code=subject.code))
    if any(p.is_open for p in existing):
        return None
    if existing:
        # A refusal the last step plan already dealt with does not start a new one; a new refusal does.
        last_started = max(p.created_at for p in existing)
        refusing = tuple(k for k in refusing if latest[k].created_at > last_started)
    if not refusing:
        return None
    procedure = RefusalProcedure.objects.create(
        pathway=pathway, subject=subject.definition, subject_code=subject.code,
        refusing_parent_id=refusing[0], started_on=timezone.localdate(),
    )
    record(actor=actor, action=Action.CREATE, obj=procedure, client=child, changed_fields=["subject_code", "refusing_parent"],
           detail=f"refusal step plan {subject.code}")
    return procedure


def next_step(procedure: RefusalProcedure) -> int | None:
    """The number of the step to record next (None when the step plan is finished)."""
    done = [s.number for s in procedure.steps.all()]
    number = max(done, default=0) + 1
    return number if number <= Step.INFORM else None


def may_decide(actor: Any) -> bool:
    return getattr(actor, "role", "") == Role.GEDRAGSWETENSCHAPPER


def do_record_step(
    procedure: RefusalProcedure,
    *,
    number: int,
    date: datetime.date,
    notes: str,
    serious_harm: bool = False,
    child_persists: bool = False,
    decision: str = "",
    expected_version: int,
    actor: Any,
) -> ProcedureStep:
    """Record the next step of the refusal step plan, in order. Step 4 (the decision) only by
    the behavioural scientist; proceeding without the refusing parent only for a child of 12
    to 15 who consents, or when the help is necessary to prevent serious harm."""
    pathway = procedure.pathway
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    if number == Step.DECIDE and not may_decide(actor):
        raise PermissionDenied
    expected = next_step(procedure)
    if expected is None:
        raise ValidationError(_("This step plan is finished."), code="finished")
    if number != expected:
        raise ValidationError(_("Record the steps in order: the next step is step %(number)s.") % {"number": expected},
                              code="order")
    errors: list[ValidationError] = []
    try:
        _check_not_in_future(date)
    except ValidationError as exc:
        errors.append(exc)
    previous = [s for s in procedure.steps.all() if s.number == number - 1]
    if date is not None and previous and date < previous[0].date:
        errors.append(ValidationError(_("A step cannot be dated before the previous step."), code="before_previous"))
    notes = (notes or "").strip()
    if not notes:
        errors.append(ValidationError(_("Write down what was discussed or weighed."), code="notes"))
    if number != Step.DECIDE:
        decision = ""
    elif decision not in ProcedureDecision.values:
        errors.append(ValidationError(_("Choose the decision."), code="decision"))
    elif decision == ProcedureDecision.PROCEED:
        links = queries.parent_links(child)
        on = min(date or timezone.localdate(), timezone.localdate())
        requirement = queries.requirement_for(child, links, on)
        latest = (
            ConsentRecord.objects.filter(pathway=pathway, subject_code=procedure.subject_code, given_by=child)
            .order_by("-date", "-id").values_list("decision", flat=True).first()
        )
        if not rules.may_proceed_without_parent(requirement.band, latest, serious_harm):
            errors.append(ValidationError(
                _("Proceeding without this parent's consent is only allowed when a child of 12 to 15 consents, "
                  "or when the help is necessary to prevent serious harm to the child."), code="not_allowed"))
    if number not in (Step.WEIGH, Step.DECIDE):
        serious_harm = False
    if number != Step.WEIGH:
        child_persists = False
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        changed = ["version"]
        if number == Step.DECIDE:
            procedure.decision = decision
            procedure.decided_at = timezone.now()
            changed += ["decision", "decided_at"]
        if number == Step.INFORM:
            procedure.closed_on = date
            changed.append("closed_on")
        save_with_version(procedure, expected_version, [f for f in changed if f != "version"])
        step = ProcedureStep.objects.create(
            procedure=procedure, number=number, date=date, by=actor, notes=notes, serious_harm=serious_harm,
            child_persists=child_persists, decision=decision,
        )
        record(
            actor=actor, action=Action.CREATE, obj=step, client=child,
            changed_fields=["number", "date", "notes"] + (["decision"] if decision else []),
            detail=f"refusal step plan {procedure.subject_code}: step {number}" + (f" {decision}" if decision else ""),
        )
    procedure._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    return step


def log_overview_read(pathway: Pathway, *, actor: Any) -> None:
    record(actor=actor, action=Action.READ, obj=pathway, client=pathway.stay.person, detail="consent overview")


def log_procedure_read(procedure: RefusalProcedure, *, actor: Any) -> None:
    record(actor=actor, action=Action.READ, obj=procedure, client=procedure.pathway.stay.person,
           detail=f"refusal step plan {procedure.subject_code}")


__all__ = ["SHARING", "do_record_consent", "do_record_step", "log_overview_read", "log_procedure_read", "may_decide",
           "next_step"]
