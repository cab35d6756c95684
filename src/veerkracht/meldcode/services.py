"""The only way to change Meldcode tracks: atomic functions with a keyword-only ``actor`` that
write their audit events in the same transaction. Notes never go into the audit detail."""

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
from veerkracht.pathway.services import check_can_edit

from .models import (
    CONSULTATION,
    DECISION,
    QUESTIONS,
    REPORTING_DECISIONS,
    SIGNALS,
    WEIGHING,
    Decision,
    MeldcodeStep,
    MeldcodeTrack,
    Source,
)

# The Meldcode's aandachtsfunctionaris: only these roles weigh (step 4) and decide (step 5).
DECIDING_ROLES = frozenset({Role.GEDRAGSWETENSCHAPPER, Role.TEAMLEIDER})
DECIDING_STEPS = (WEIGHING, DECISION)


def may_take_step(actor: Any, person: Any, number: int) -> bool:
    """May this user record step ``number`` for this child?"""
    from veerkracht.pathway.services import can_edit

    if not can_edit(actor, person):
        return False
    if number in DECIDING_STEPS:
        return getattr(getattr(actor, "membership_or_none", None), "role", "") in DECIDING_ROLES
    return True


def _check_date(value: datetime.date | None, *, not_before: datetime.date | None = None) -> list[ValidationError]:
    if value is None:
        return [ValidationError(_("Enter the date."), code="date")]
    if value > timezone.localdate():
        return [ValidationError(_("The date cannot lie in the future."), code="future")]
    if not_before is not None and value < not_before:
        return [ValidationError(_("The date lies before the date of the previous step."), code="order")]
    return []


def do_start_track(
    person: Person,
    *,
    signals: str,
    source: str,
    actor: Any,
    started_on: datetime.date | None = None,
) -> MeldcodeTrack:
    """Start a Meldcode track for a child with step 1 (the signals). One open track per child."""
    check_can_edit(actor, person)
    signals = (signals or "").strip()
    started_on = started_on or timezone.localdate()
    errors: list[ValidationError] = []
    if not person.is_child:
        errors.append(ValidationError(_("A Meldcode track is kept for a child."), code="child"))
    if source not in Source.values:
        errors.append(ValidationError(_("Choose a valid source."), code="source"))
    if not signals:
        errors.append(ValidationError(_("Describe the signals."), code="signals"))
    errors += _check_date(started_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the child so that two workers cannot both open a track.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if MeldcodeTrack.objects.filter(person=person, closed_on__isnull=True).exists():
            raise ValidationError(
                _("This child already has an open Meldcode track. Record the next step there."), code="open"
            )
        track = MeldcodeTrack.objects.create(person=person, started_on=started_on, source=source, started_by=actor)
        record(actor=actor, action=Action.CREATE, obj=track, client=person, detail=f"meldcode track, source {source}")
        step = MeldcodeStep.objects.create(track=track, number=SIGNALS, date=started_on, taken_by=actor, notes=signals)
        record(actor=actor, action=Action.CREATE, obj=step, client=person, changed_fields=["date", "notes"],
               detail="meldcode step 1")
    return track


def next_step_number(track: MeldcodeTrack) -> int | None:
    """The number of the step to take next (None when the track is closed)."""
    if not track.is_open:
        return None
    last = track.steps.order_by("-number").values_list("number", flat=True).first() or 0
    return last + 1 if last < DECISION else None


def do_take_step(
    track: MeldcodeTrack,
    *,
    number: int,
    date: datetime.date | None,
    notes: str = "",
    consulted_veilig_thuis: bool = False,
    consulted_with: str = "",
    answers: dict[str, bool | None] | None = None,
    decision: str = "",
    report_date: datetime.date | None = None,
    report_reference: str = "",
    actor: Any,
) -> MeldcodeStep:
    """Record step ``number`` (2..5) of an open track, in order. Steps 4 and 5 only by the
    behavioural scientist or team leader. A required report to Veilig Thuis is enforced at step 5,
    which closes the track."""
    person = track.person
    check_can_edit(actor, person)
    if number in DECIDING_STEPS and not may_take_step(actor, person, number):
        raise PermissionDenied
    notes = (notes or "").strip()
    consulted_with = (consulted_with or "").strip()
    report_reference = (report_reference or "").strip()
    answers = dict(answers or {})
    with transaction.atomic():
        # Lock the track: two workers recording the same step are served one after the other.
        track = MeldcodeTrack.objects.select_for_update().select_related("person").get(pk=track.pk)
        steps = {s.number: s for s in track.steps.all()}
        expected = next_step_number(track)
        if expected is None:
            raise ValidationError(_("This Meldcode track is closed."), code="closed")
        if number != expected:
            raise ValidationError(
                _("Steps are taken in order: the next step of this track is step %(number)s.") % {"number": expected},
                code="order",
            )
        previous = steps[number - 1]
        errors = _check_date(date, not_before=previous.date)
        values: dict[str, Any] = {"notes": notes}
        if number == CONSULTATION:
            if not consulted_with:
                errors.append(ValidationError(_("Say with whom you consulted."), code="consulted_with"))
            values.update(consulted_veilig_thuis=bool(consulted_veilig_thuis), consulted_with=consulted_with)
        elif number == WEIGHING:
            errors += _check_answers(answers)
            values.update({field: answers.get(field) for field, _label in QUESTIONS})
            if answers.get("q1_suspicion") is False:
                values.update({field: None for field, _label in QUESTIONS[1:]})
        elif number == DECISION:
            weighing = steps[WEIGHING]
            errors += _check_decision(weighing, decision, report_date, report_reference, date)
            reporting = decision in REPORTING_DECISIONS
            values.update(decision=decision, report_date=report_date if reporting else None,
                          report_reference=report_reference if reporting else "")
        if errors:
            raise ValidationError(errors)
        step = MeldcodeStep.objects.create(track=track, number=number, date=date, taken_by=actor, **values)
        changed = ["date"] + [name for name, value in values.items() if value not in ("", None, False)]
        detail = f"meldcode step {number}"
        if number == DECISION:
            detail += f": {decision}"
        record(actor=actor, action=Action.CREATE, obj=step, client=person, changed_fields=changed, detail=detail)
        if number == DECISION:
            track.closed_on = date
            track.version += 1
            track.save(update_fields=["closed_on", "version", "updated_at"])
            record(actor=actor, action=Action.UPDATE, obj=track, client=person, changed_fields=["closed_on"],
                   detail="meldcode track closed")
    return step


def _check_answers(answers: dict[str, bool | None]) -> list[ValidationError]:
    if answers.get("q1_suspicion") is None:
        return [ValidationError(_("Answer question 1 of the afwegingskader."), code="q1")]
    if answers["q1_suspicion"] is False:
        return []
    missing = [str(n) for n, (field, _label) in enumerate(QUESTIONS, start=1) if answers.get(field) is None]
    if missing:
        return [ValidationError(
            _("Answer questions %(numbers)s of the afwegingskader.") % {"numbers": ", ".join(missing)}, code="answers"
        )]
    return []


def _check_decision(
    weighing: MeldcodeStep, decision: str, report_date: datetime.date | None, reference: str,
    step_date: datetime.date | None,
) -> list[ValidationError]:
    if decision not in Decision.values:
        return [ValidationError(_("Choose the decision."), code="decision")]
    errors = []
    reporting = decision in REPORTING_DECISIONS
    if weighing.q2_unsafety and not reporting:
        errors.append(ValidationError(
            _("The weighing found acute or structural unsafety: a report to Veilig Thuis is required."),
            code="report_required",
        ))
    if decision == Decision.CLOSE and weighing.q1_suspicion is not False:
        errors.append(ValidationError(
            _("Closing without action is only possible when the weighing found no suspicion (question 1: no)."),
            code="close",
        ))
    if reporting:
        if report_date is None:
            errors.append(ValidationError(_("Enter the date of the report to Veilig Thuis."), code="report_date"))
        elif report_date > timezone.localdate():
            errors.append(ValidationError(_("The date of the report cannot lie in the future."), code="report_future"))
        elif report_date < weighing.date:
            errors.append(ValidationError(_("The date of the report lies before the weighing."), code="report_order"))
        if not reference:
            errors.append(ValidationError(_("Enter the Veilig Thuis reference of the report."), code="reference"))
    return errors


def log_tracks_read(person: Person, *, actor: Any, count: int) -> None:
    record(actor=actor, action=Action.READ, object_type="meldcode.meldcodetrack", client=person,
           detail=f"meldcode tracks={count}")
