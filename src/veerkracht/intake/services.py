"""The only way to write intake records: one atomic function with a keyword-only ``actor`` that
writes its audit event, moves the pathway on and, for a concern, starts the Meldcode track."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.core.concurrency import ConcurrentEditError, save_with_version
from veerkracht.meldcode.models import Source
from veerkracht.meldcode.services import do_start_track
from veerkracht.pathway import records
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import check_can_edit, check_pathway_open

from .models import IntakeRecord, form_for_child


@dataclass
class IntakeData:
    conversation_date: datetime.date
    conducted_by: Any = None  # a user of the organisation; None: the actor
    present: str = ""
    witnessed_parents_hitting: bool = False
    severe_abuse_of_mother: bool = False
    destruction_in_home: bool = False
    arrest_of_parent: bool = False
    own_abuse: bool = False
    other_exposure: bool = False
    other_exposure_text: str = ""
    how_child_is_doing: str = ""
    child_own_words: str = ""
    safety_concerns: str = ""


TEXT_FIELDS = ("present", "other_exposure_text", "how_child_is_doing", "child_own_words", "safety_concerns")


def _validate(pathway: Pathway, data: IntakeData, *, start_meldcode: bool,
              completed_on: datetime.date | None) -> list[ValidationError]:
    person = pathway.stay.person
    today = timezone.localdate()
    errors = []
    if data.conversation_date is None:
        errors.append(ValidationError(_("Enter the date of the conversation."), code="date"))
    elif data.conversation_date > today:
        errors.append(ValidationError(_("The date of the conversation cannot lie in the future."), code="future"))
    elif data.conversation_date < pathway.stay.admission_date:
        errors.append(ValidationError(_("The date of the conversation lies before the admission date."), code="before"))
    if data.other_exposure and not data.other_exposure_text:
        errors.append(ValidationError(_("Describe the other exposure to violence."), code="other"))
    if start_meldcode and not data.safety_concerns:
        errors.append(ValidationError(
            _("Describe the safety concerns to start the Meldcode track for them."), code="meldcode"
        ))
    membership = getattr(data.conducted_by, "membership_or_none", None)
    if membership is None or membership.organisation_id != person.organisation_id:
        errors.append(ValidationError(_("Choose a worker of your own organisation."), code="worker"))
    if completed_on is not None:
        if completed_on > today:
            errors.append(ValidationError(_("The completion date cannot lie in the future."), code="completed_future"))
        elif data.conversation_date and completed_on < data.conversation_date:
            errors.append(ValidationError(_("The completion date lies before the conversation."), code="completed"))
    return errors


def do_save_intake(
    pathway: Pathway,
    *,
    data: IntakeData,
    expected_version: int | None = None,
    start_meldcode: bool = False,
    completed_on: datetime.date | None = None,
    actor: Any,
) -> IntakeRecord:
    """Create the child's intake record or update it (refused when someone else saved in between).

    The form of the intake follows from the child's age on the date of the conversation. With
    ``completed_on`` the intake activity is done (only where the intake alone completes it);
    with ``start_meldcode`` the safety concerns start a Meldcode track (step 1: the signals)."""
    person = pathway.stay.person
    check_can_edit(actor, person)
    check_pathway_open(pathway)
    for name in TEXT_FIELDS:
        setattr(data, name, (getattr(data, name) or "").strip())
    if not data.other_exposure:
        data.other_exposure_text = ""
    if data.conducted_by is None:
        data.conducted_by = actor
    if not records.completes_activity(pathway, records.INTAKE):
        completed_on = None
    errors = _validate(pathway, data, start_meldcode=start_meldcode, completed_on=completed_on)
    if errors:
        raise ValidationError(errors)
    values = {f.name: getattr(data, f.name) for f in fields(IntakeData)}
    values["conducted_by_id"] = values.pop("conducted_by").pk
    values["form_used"] = form_for_child(person.birth_date, data.conversation_date)
    with transaction.atomic():
        # Lock the pathway: two first saves of the same intake are served one after the other.
        Pathway.objects.select_for_update().filter(pk=pathway.pk).first()
        intake = IntakeRecord.objects.filter(pathway=pathway).first()
        if intake is None:
            intake = IntakeRecord.objects.create(pathway=pathway, **values)
            changed = [name.removesuffix("_id") for name, value in values.items() if value not in ("", False, None)]
            action = Action.CREATE
        else:
            if expected_version is None:  # someone else created the intake while this one was being typed
                raise ConcurrentEditError(intake)
            changed = [name.removesuffix("_id") for name, value in values.items() if getattr(intake, name) != value]
            for name, value in values.items():
                setattr(intake, name, value)
            save_with_version(intake, expected_version, list(values))
            action = Action.UPDATE
        record(actor=actor, action=action, obj=intake, client=person, changed_fields=changed,
               detail=f"intake, form {values['form_used']}")
        if start_meldcode:
            do_start_track(person, signals=data.safety_concerns, source=Source.INTAKE,
                           started_on=data.conversation_date, actor=actor)
        records.do_record_progress(pathway, records.INTAKE, completed_on=completed_on, actor=actor)
    return intake


def log_intake_read(pathway: Pathway, intake: IntakeRecord | None, *, actor: Any) -> None:
    record(actor=actor, action=Action.READ, obj=intake or pathway, client=pathway.stay.person,
           detail="intake record" if intake else "intake record (none yet)")
