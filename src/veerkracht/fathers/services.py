"""The only way to change father-contact records: atomic, audited, with the contact-ban rule.

THE RULE: a father with a contact ban or restraining order cannot be marked as contacted (no
"reached" attempt, no "contacted" outcome) unless the behavioural scientist of the own
organisation has granted an explicit exception with a reason.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.accounts.roles import CLIENT_ROLES, Role
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients.models import ParentChild, Person, PersonKind
from veerkracht.core.concurrency import save_with_version
from veerkracht.pathway import records
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import check_can_edit, check_pathway_open

from .models import (
    Answer,
    AttemptResult,
    AttemptWay,
    ContactAttempt,
    ContactStatus,
    FatherContact,
    NoContactReason,
    RiskLevel,
)


def _ban_error() -> ValidationError:
    return ValidationError(
        _("This father has a contact ban or restraining order: contact can only be recorded after the "
          "behavioural scientist has granted an exception."),
        code="ban",
    )


def fathers_of(child: Person) -> list[ParentChild]:
    """The child's fathers (links with the father loaded), in the child's household and organisation."""
    return list(
        ParentChild.objects.filter(
            child=child, parent__kind=PersonKind.FATHER, parent__organisation_id=child.organisation_id,
            parent__household_id=child.household_id,
        )
        .select_related("parent")
        .order_by("parent__last_name", "parent__first_name", "pk")
    )


def all_fathers_resolved(pathway: Pathway, *, pending: dict[int, str] | None = None) -> bool:
    """Every father of the child has a record with outcome contacted or no contact.

    ``pending`` maps a father id to an outcome that is about to be saved (it counts instead of the stored one)."""
    child = pathway.stay.person
    father_ids = {link.parent_id for link in fathers_of(child)}
    if not father_ids:
        return False
    statuses = dict(FatherContact.objects.filter(pathway=pathway).values_list("father_id", "status"))
    statuses.update(pending or {})
    return all(statuses.get(fid) in (ContactStatus.CONTACTED, ContactStatus.NO_CONTACT) for fid in father_ids)


def do_start_contact(pathway: Pathway, father: Person, *, actor: Any) -> FatherContact:
    """Open the record for one father of the child (or return the one that exists)."""
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    is_father = ParentChild.objects.filter(
        child=child, parent=father, parent__kind=PersonKind.FATHER,
        parent__organisation_id=child.organisation_id, parent__household_id=child.household_id,
    ).exists()
    if not is_father:
        raise ValidationError(_("Choose a father of this child."), code="not_a_father")
    with transaction.atomic():
        existing = FatherContact.objects.filter(pathway=pathway, father=father).first()
        if existing is not None:
            return existing
        contact = FatherContact.objects.create(pathway=pathway, father=father)
        record(actor=actor, action=Action.CREATE, obj=contact, client=child, changed_fields=["father"],
               detail="father contact record started")
        records.do_record_progress(pathway, records.FATHER_CONTACT, actor=actor)
    return contact


@dataclass
class ContactChanges:
    how_to_reach: str = ""
    assessed_on: datetime.date | None = None
    assessed_by: Any = None
    suspected_perpetrator: str = ""
    contact_ban: bool = False
    restraining_order: bool = False
    risk_level: str = ""
    assessment_notes: str = ""
    father_view: str = ""
    agreements: str = ""
    status: str = ContactStatus.NOT_YET
    no_contact_reason: str = ""
    no_contact_other: str = ""


EDITABLE_FIELDS = [
    "how_to_reach", "assessed_on", "assessed_by", "suspected_perpetrator", "contact_ban", "restraining_order",
    "risk_level", "assessment_notes", "father_view", "agreements", "status", "no_contact_reason", "no_contact_other",
]
ASSESSMENT_FIELDS = [
    "assessed_on", "assessed_by", "suspected_perpetrator", "contact_ban", "restraining_order", "risk_level",
    "assessment_notes",
]


def _validate(contact: FatherContact, changes: ContactChanges, completed_on: datetime.date | None) -> list[ValidationError]:
    today = timezone.localdate()
    person = contact.pathway.stay.person
    errors: list[ValidationError] = []
    if changes.suspected_perpetrator and changes.suspected_perpetrator not in Answer.values:
        errors.append(ValidationError(_("Choose yes, no or unknown for the suspected perpetrator."), code="answer"))
    if changes.risk_level and changes.risk_level not in RiskLevel.values:
        errors.append(ValidationError(_("Choose a valid risk level."), code="risk"))
    if changes.status not in ContactStatus.values:
        errors.append(ValidationError(_("Choose a valid outcome."), code="status"))
    if changes.no_contact_reason and changes.no_contact_reason not in NoContactReason.values:
        errors.append(ValidationError(_("Choose a valid reason."), code="reason"))
    started = any([changes.assessed_on, changes.suspected_perpetrator, changes.risk_level, changes.contact_ban,
                   changes.restraining_order, changes.assessment_notes.strip()])
    if started:
        if changes.assessed_on is None:
            errors.append(ValidationError(_("Give the date of the safety assessment."), code="assessed_on"))
        elif changes.assessed_on > today:
            errors.append(ValidationError(_("The date of the safety assessment cannot lie in the future."),
                                          code="assessed_future"))
        if not changes.suspected_perpetrator:
            errors.append(ValidationError(_("Say whether he is the suspected perpetrator (yes, no or unknown)."),
                                          code="perpetrator"))
        if not changes.risk_level:
            errors.append(ValidationError(_("Choose the risk level."), code="risk_level"))
        if changes.assessed_by is not None:
            membership = getattr(changes.assessed_by, "membership_or_none", None)
            if (membership is None or membership.organisation_id != person.organisation_id
                    or membership.role not in CLIENT_ROLES):
                errors.append(ValidationError(_("Choose a worker of your own organisation."), code="assessed_by"))
    has_ban = changes.contact_ban or changes.restraining_order
    if changes.status == ContactStatus.CONTACTED:
        if not contact.attempts.filter(result=AttemptResult.REACHED).exists():
            errors.append(ValidationError(
                _("Mark him as contacted only after recording a contact attempt in which he was reached."),
                code="no_reached_attempt"))
        if has_ban and not contact.override_granted:
            errors.append(_ban_error())
    if changes.status == ContactStatus.NO_CONTACT:
        if not changes.no_contact_reason:
            errors.append(ValidationError(_("Give the reason why there is no contact."), code="no_reason"))
        elif changes.no_contact_reason == NoContactReason.OTHER and not changes.no_contact_other.strip():
            errors.append(ValidationError(_("Describe the other reason why there is no contact."), code="other"))
    if completed_on is not None:
        if completed_on > today:
            errors.append(ValidationError(_("The completion date cannot lie in the future."), code="future"))
        elif completed_on < contact.pathway.stay.admission_date:
            errors.append(ValidationError(_("The completion date lies before the admission date."), code="before"))
        if not records.completes_activity(contact.pathway, records.FATHER_CONTACT):
            errors.append(ValidationError(_("This record does not complete the activity on its own."),
                                          code="not_completing"))
        elif not all_fathers_resolved(contact.pathway, pending={contact.father_id: changes.status}):
            errors.append(ValidationError(
                _("The activity can be completed only when every father of the child has the outcome "
                  "\"contacted\" or \"no contact\"."), code="unresolved"))
    return errors


def do_update_contact(
    contact: FatherContact,
    changes: ContactChanges,
    *,
    completed_on: datetime.date | None = None,
    expected_version: int,
    actor: Any,
) -> list[str]:
    """Save the record (assessment, view, agreements, outcome); refused when someone else saved in
    between. With ``completed_on`` the activity is completed, but only when every father is resolved."""
    pathway = contact.pathway
    person = pathway.stay.person
    check_can_edit(actor, person)
    check_pathway_open(pathway)
    errors = _validate(contact, changes, completed_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        old_status = contact.status
        changed = []
        for name in EDITABLE_FIELDS:
            value = getattr(changes, name)
            if isinstance(value, str):
                value = value.strip()
            if name in ("no_contact_reason", "no_contact_other") and changes.status != ContactStatus.NO_CONTACT:
                value = ""
            if name == "no_contact_other" and changes.no_contact_reason != NoContactReason.OTHER:
                value = ""
            if getattr(contact, name) != value:
                changed.append(name)
            setattr(contact, name, value)
        if contact.assessed_on is not None and contact.assessed_by is None:
            contact.assessed_by = actor
            if "assessed_by" not in changed:
                changed.append("assessed_by")
        if contact.status != old_status:
            contact.status_on = timezone.localdate() if contact.status != ContactStatus.NOT_YET else None
            changed.append("status_on")
        save_with_version(contact, expected_version, [*EDITABLE_FIELDS, "status_on"])
        assessment_changed = [n for n in changed if n in ASSESSMENT_FIELDS]
        detail = "father contact saved"
        if assessment_changed:
            detail += "; safety assessment"
        if contact.status != old_status:
            detail += f"; outcome {contact.status}"
        record(actor=actor, action=Action.UPDATE, obj=contact, client=person, changed_fields=changed, detail=detail)
        records.do_record_progress(pathway, records.FATHER_CONTACT, completed_on=completed_on, actor=actor)
    return changed


def do_add_attempt(
    contact: FatherContact,
    *,
    date: datetime.date,
    way: str,
    result: str,
    notes: str = "",
    actor: Any,
) -> ContactAttempt:
    """Record one contact attempt. Only after the safety assessment; "reached" only when contact is
    allowed (no ban, or the behavioural scientist's exception). A "reached" attempt makes the outcome
    "contacted" when it was still "not yet"."""
    pathway = contact.pathway
    person = pathway.stay.person
    check_can_edit(actor, person)
    check_pathway_open(pathway)
    errors = []
    if not contact.assessment_done:
        errors.append(ValidationError(
            _("Record the safety assessment before recording a contact attempt."), code="no_assessment"))
    if date is None:
        errors.append(ValidationError(_("Give the date of the attempt."), code="date"))
    elif date > timezone.localdate():
        errors.append(ValidationError(_("The date of the attempt cannot lie in the future."), code="future"))
    if way not in AttemptWay.values:
        errors.append(ValidationError(_("Choose how contact was attempted."), code="way"))
    if result not in AttemptResult.values:
        errors.append(ValidationError(_("Choose the result of the attempt."), code="result"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Read the record again under lock: the ban or exception may have changed since the page was shown.
        fresh = FatherContact.objects.select_for_update().get(pk=contact.pk)
        if result == AttemptResult.REACHED and not fresh.contact_allowed:
            raise _ban_error()
        attempt = ContactAttempt.objects.create(
            contact=fresh, date=date, way=way, result=result, notes=(notes or "").strip(), recorded_by=actor
        )
        record(actor=actor, action=Action.CREATE, obj=attempt, client=person,
               changed_fields=["date", "way", "result", "notes"], detail=f"father contact attempt: {result}")
        if result == AttemptResult.REACHED and fresh.status == ContactStatus.NOT_YET:
            fresh.status = ContactStatus.CONTACTED
            fresh.status_on = date
            save_with_version(fresh, fresh.version, ["status", "status_on"])
            record(actor=actor, action=Action.UPDATE, obj=fresh, client=person, changed_fields=["status", "status_on"],
                   detail="father contact outcome contacted (reached attempt)")
        records.do_record_progress(pathway, records.FATHER_CONTACT, actor=actor)
    return attempt


def can_grant_override(actor: Any, person: Person) -> bool:
    membership = getattr(actor, "membership_or_none", None)
    return bool(
        membership is not None and membership.role == Role.GEDRAGSWETENSCHAPPER
        and membership.organisation_id == person.organisation_id
    )


def do_grant_override(contact: FatherContact, *, reason: str, expected_version: int, actor: Any) -> None:
    """The behavioural scientist's explicit exception to a contact ban or restraining order."""
    person = contact.pathway.stay.person
    check_can_edit(actor, person)
    if not can_grant_override(actor, person):
        raise PermissionDenied
    check_pathway_open(contact.pathway)
    reason = (reason or "").strip()
    errors = []
    if not contact.has_ban:
        errors.append(ValidationError(
            _("There is no contact ban or restraining order for this father: no exception is needed."),
            code="no_ban"))
    elif contact.override_granted:
        errors.append(ValidationError(_("An exception has already been granted."), code="already"))
    if not reason:
        errors.append(ValidationError(_("Give the reason for the exception."), code="reason"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact.override_granted_by = actor
        contact.override_granted_at = timezone.now()
        contact.override_reason = reason
        fields = ["override_granted_by", "override_granted_at", "override_reason"]
        save_with_version(contact, expected_version, fields)
        record(actor=actor, action=Action.UPDATE, obj=contact, client=person, changed_fields=fields,
               detail="contact-ban override granted")


def log_overview_read(pathway: Pathway, *, actor: Any) -> None:
    record(actor=actor, action=Action.READ, obj=pathway, client=pathway.stay.person, detail="father contact overview")


def log_contact_read(contact: FatherContact, *, actor: Any) -> None:
    record(actor=actor, action=Action.READ, obj=contact, client=contact.pathway.stay.person,
           detail="father contact record")
