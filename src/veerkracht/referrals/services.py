"""The only way to write a referral: atomic, permission-checked, audited (field names only).

A referral starts as "sent" with its first event; every status change appends an event and
moves the referral on. Only the transitions in ``models.TRANSITIONS`` are allowed; closed is final.
Dates are never in the future, never before the referral was sent and never before the previous
event."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.core.concurrency import ConcurrentEditError, save_with_version
from veerkracht.organisations import secrecy
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import check_can_edit, check_pathway_open

from .models import (
    OTHER_KIND_MAX,
    TO_WHOM_MAX,
    TRANSITIONS,
    ClosingReason,
    Referral,
    ReferralEvent,
    ReferralKind,
    ReferralStatus,
)

TEXT_MAX = 5000
ADDRESS_PART_MIN = 6  # a line of the shelter's address this long is never written in "referred to"


def _one_line(value: Any) -> str:
    return " ".join(str(value or "").split())


def _text(value: Any) -> str:
    return str(value or "").strip().replace("\r\n", "\n")


def _mentions_shelter_address(pathway: Pathway, to_whom: str) -> bool:
    """Whether ``to_whom`` names a location of the child's organisation or a part of its secret
    address (organisations.secrecy; the address is only compared, never shown or returned)."""
    return bool(secrecy.fields_mentioning_location(pathway, {"to_whom": to_whom}))


def _location_errors(pathway: Pathway, **texts: str) -> list[ValidationError]:
    labels = {"other_kind": _("Other kind of help"), "reason": _("Reason for the referral"), "note": _("Note")}
    error = secrecy.location_error(pathway, texts, labels)
    return [error] if error is not None else []


def _check_date(value: datetime.date | None, *, today: datetime.date, earliest: datetime.date,
                earliest_message: str) -> list[ValidationError]:
    if value is None:
        return [ValidationError(_("Fill in the date."), code="date")]
    if value > today:
        return [ValidationError(_("The date cannot lie in the future."), code="date_future")]
    if value < earliest:
        return [ValidationError(earliest_message, code="date_early")]
    return []


def _referral_values(pathway: Pathway, *, kind: str, to_whom: str, reason: str = "", other_kind: str = "",
                     sent_on: datetime.date | None) -> dict[str, Any]:
    to_whom, other_kind, reason = _one_line(to_whom), _one_line(other_kind), _text(reason)
    errors = []
    if kind not in ReferralKind.values:
        errors.append(ValidationError(_("Choose the kind of help."), code="kind"))
    if kind == ReferralKind.OTHER and not other_kind:
        errors.append(ValidationError(_("Name the other kind of help."), code="other_kind"))
    if len(other_kind) > OTHER_KIND_MAX:
        errors.append(ValidationError(_("The kind of help is too long."), code="other_kind"))
    if not to_whom:
        errors.append(ValidationError(_("Fill in the organisation the child is referred to."), code="to_whom"))
    elif len(to_whom) > TO_WHOM_MAX:
        errors.append(ValidationError(_("The name of the organisation is too long."), code="to_whom"))
    elif _mentions_shelter_address(pathway, to_whom):
        errors.append(ValidationError(
            _("Do not write the address of the shelter here; the name of the organisation is enough."),
            code="to_whom_address"))
    if len(reason) > TEXT_MAX:
        errors.append(ValidationError(_("The text is too long."), code="length"))
    errors += _location_errors(pathway, other_kind=other_kind, reason=reason)
    errors += _check_date(sent_on, today=timezone.localdate(), earliest=pathway.stay.admission_date,
                          earliest_message=_("The referral cannot be sent before the admission date."))
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "other_kind": other_kind if kind == ReferralKind.OTHER else "", "to_whom": to_whom,
            "reason": reason, "sent_on": sent_on}


def do_create_referral(
    pathway: Pathway, *, kind: str, to_whom: str, sent_on: datetime.date | None, actor: Any, reason: str = "",
    other_kind: str = "", note: str = "",
) -> Referral:
    """Record a referral that was sent: status "sent" and its first event."""
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    values = _referral_values(pathway, kind=kind, to_whom=to_whom, reason=reason, other_kind=other_kind,
                              sent_on=sent_on)
    note = _text(note)
    if len(note) > TEXT_MAX:
        raise ValidationError(_("The text is too long."), code="length")
    secrecy.check_no_location(pathway, {"note": note}, {"note": _("Note")})
    with transaction.atomic():
        referral = Referral.objects.create(pathway=pathway, status=ReferralStatus.SENT, status_since=sent_on,
                                           created_by=actor, **values)
        ReferralEvent.objects.create(referral=referral, status=ReferralStatus.SENT, on=sent_on, note=note,
                                     created_by=actor)
        record(actor=actor, action=Action.CREATE, obj=referral, client=child,
               changed_fields=[n for n, v in values.items() if v not in ("", None)] + (["note"] if note else []),
               detail=f"referral: {referral.kind} sent")
    return referral


def allowed_statuses(referral: Referral) -> tuple[str, ...]:
    return TRANSITIONS.get(referral.status, ())


def do_change_referral_status(
    referral: Referral, *, status: str, on: datetime.date | None, expected_version: int, actor: Any,
    note: str = "", closing_reason: str = "",
) -> ReferralEvent:
    """Move the referral to ``status`` on day ``on`` (a new event). Closing needs a reason.

    A stale ``expected_version`` raises ConcurrentEditError and saves nothing."""
    pathway = referral.pathway
    child = pathway.stay.person
    check_can_edit(actor, child)
    # no check_pathway_open: a referral is followed until it is closed, also after the discharge
    # (e.g. closed with "the child left the shelter", or the help started at the next address)
    note = _text(note)
    with transaction.atomic():
        current = Referral.objects.select_for_update().filter(pk=referral.pk).first()
        if current is None or current.version != expected_version:
            raise ConcurrentEditError(current)
        errors = []
        if status not in ReferralStatus.values:
            errors.append(ValidationError(_("Choose the new status."), code="status"))
        elif current.status == ReferralStatus.CLOSED:
            errors.append(ValidationError(_("This referral is closed and can no longer be changed."),
                                          code="referral_closed"))
        elif status not in TRANSITIONS[current.status]:
            errors.append(ValidationError(
                _("A referral that is %(current)s cannot become %(new)s.") % {
                    "current": ReferralStatus(current.status).label, "new": ReferralStatus(status).label},
                code="transition"))
        if status == ReferralStatus.CLOSED and closing_reason not in ClosingReason.values:
            errors.append(ValidationError(_("Choose why the referral is closed."), code="closing_reason"))
        if status == ReferralStatus.CLOSED and closing_reason == ClosingReason.OTHER and not note:
            errors.append(ValidationError(_("Describe the reason for closing in the note."), code="note"))
        if len(note) > TEXT_MAX:
            errors.append(ValidationError(_("The text is too long."), code="length"))
        errors += _location_errors(pathway, note=note)
        if on is not None and on < current.sent_on:
            errors += [ValidationError(_("The date cannot lie before the date the referral was sent."),
                                       code="date_early")]
        else:
            errors += _check_date(
                on, today=timezone.localdate(), earliest=current.status_since,
                earliest_message=_("The date cannot lie before the previous step (%(date)s).") % {
                    "date": current.status_since.strftime("%d-%m-%Y")})
        if errors:
            raise ValidationError(errors)
        referral.status, referral.status_since = status, on
        fields = ["status", "status_since"]
        if status == ReferralStatus.CLOSED:
            referral.closed_on, referral.closing_reason = on, closing_reason
            fields += ["closed_on", "closing_reason"]
        save_with_version(referral, expected_version, fields)
        event = ReferralEvent.objects.create(referral=referral, status=status, on=on, note=note, created_by=actor)
        record(actor=actor, action=Action.UPDATE, obj=referral, client=child,
               changed_fields=fields + (["note"] if note else []),
               detail=f"referral {current.status} -> {status}")
    return event


def log_referral_read(pathway: Pathway, *, actor: Any, what: str = "referrals", obj: Any = None) -> None:
    record(actor=actor, action=Action.READ, obj=obj or pathway, client=pathway.stay.person, detail=what)
