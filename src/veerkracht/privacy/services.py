"""Privacy writes: anonymisation (retention purge and erasure), erasure requests with
four-eyes approval, and the audit events of access reports and subject-access exports."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients.models import ParentChild, Person

from . import retention
from .models import Anonymisation, AnonymisationReason, ErasureRequest, ErasureStatus
from .signals import person_anonymised

ANONYMOUS_NAME = "Geanonimiseerd"
REQUESTING_ROLES = frozenset({Role.TEAMLEIDER})
DECIDING_ROLES = frozenset({Role.TEAMLEIDER, Role.GEDRAGSWETENSCHAPPER})
SYSTEM_USERNAME = "system:purge_expired"


def anonymous_number(person: Person) -> str:
    return f"ANON-{person.pk}"


def anonymise_person(
    person: Person, *, actor: Any, reason: str, erasure_request: ErasureRequest | None = None
) -> list[str]:
    """Replace what identifies a person; keep what monitoring counts.

    Names become "Geanonimiseerd", the client number an opaque ANON-<id>, the date of
    birth the first day of its year (age groups stay right); the child worker link and
    the dates of authority checks go. Stays (dates, type of care, reason, location,
    destination) and the gender are kept, so figures per year do not change.
    Returns the names of the changed fields; [] when the person was anonymised before.
    """
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if Anonymisation.objects.filter(person=person).exists():
            return []
        changed = ["first_name", "last_name", "client_number"]
        person.first_name = ANONYMOUS_NAME
        person.last_name = f"({anonymous_number(person)})"
        person.client_number = anonymous_number(person)
        if person.birth_date is not None and (person.birth_date.month, person.birth_date.day) != (1, 1):
            person.birth_date = datetime.date(person.birth_date.year, 1, 1)
            changed.append("birth_date")
        if person.child_worker_id is not None:
            person.child_worker = None
            changed.append("child_worker")
        person.version += 1
        person.save(update_fields=[*changed, "version", "updated_at"])
        links = ParentChild.objects.filter(Q(parent_id=person.pk) | Q(child_id=person.pk), authority_checked_on__isnull=False)
        if links.update(authority_checked_on=None):
            changed.append("parentchild.authority_checked_on")
        person_anonymised.send(sender=Person, person=person, actor=actor, reason=reason)
        Anonymisation.objects.create(person=person, reason=reason, erasure_request=erasure_request)
        record(
            actor=actor,
            action=Action.DELETE,
            obj=person,
            client=person,
            changed_fields=changed,
            detail=f"anonymised: {reason}",
            username="" if actor is not None else SYSTEM_USERNAME,
        )
    return changed


def purge_expired(*, today: datetime.date | None = None, actor: Any = None) -> retention.PurgePlan:
    """Anonymise every member of every household past its retention period (idempotent)."""
    plan = retention.plan_purge(today)
    for household_id in plan.household_ids:
        with transaction.atomic():
            for person in Person.objects.filter(household_id=household_id, anonymisation__isnull=True).order_by("pk"):
                anonymise_person(person, actor=actor, reason=AnonymisationReason.RETENTION)
    return plan


# --- erasure requests (AVG art. 17) --------------------------------------------------------------
def _own_organisation_id(actor: Any) -> int | None:
    membership = actor.membership_or_none
    return membership.organisation_id if membership else None


def do_request_erasure(person: Person, *, reason: str, actor: Any) -> ErasureRequest:
    if actor.role not in REQUESTING_ROLES or _own_organisation_id(actor) != person.organisation_id:
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Describe the request: who asked, and what for."), code="reason")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if Anonymisation.objects.filter(person_id=person.pk).exists():
            raise ValidationError(_("This client's data has already been anonymised."), code="done")
        if ErasureRequest.objects.filter(person_id=person.pk, status=ErasureStatus.REQUESTED).exists():
            raise ValidationError(_("An erasure request for this client is already waiting for a decision."), code="open")
        request = ErasureRequest.objects.create(person=person, requested_by=actor, reason=reason)
        record(actor=actor, action=Action.CREATE, obj=request, client=person, changed_fields=["reason"], detail="erasure request")
    return request


def do_decide_erasure(request: ErasureRequest, *, approve: bool, note: str, actor: Any) -> ErasureRequest:
    """Approve (and carry out, in the same transaction) or reject an erasure request.

    Four eyes: the person who filed the request can never decide on it."""
    note = note.strip()
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
        if actor.role not in DECIDING_ROLES or _own_organisation_id(actor) != request.person.organisation_id:
            raise PermissionDenied
        if request.requested_by_id == actor.pk:
            raise ValidationError(
                _("You filed this request yourself. A second person (a team leader or behavioural scientist) must decide on it."),
                code="four_eyes",
            )
        if request.status != ErasureStatus.REQUESTED:
            raise ValidationError(_("This request has already been decided."), code="decided")
        if not approve and not note:
            raise ValidationError(
                _("Give the reason for rejecting the request, for example the legal duty to keep youth-care records."),
                code="note",
            )
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = note
        request.status = ErasureStatus.CARRIED_OUT if approve else ErasureStatus.REJECTED
        request.save(update_fields=["decided_by", "decided_at", "decision_note", "status"])
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=request,
            client=request.person,
            changed_fields=["status", "decided_by", "decided_at", "decision_note"],
            detail="erasure approved" if approve else "erasure rejected",
        )
        if approve:
            anonymise_person(request.person, actor=actor, reason=AnonymisationReason.ERASURE, erasure_request=request)
    return request


# --- logging reads and exports --------------------------------------------------------------------
def log_access_report(person: Person, *, actor: Any, pdf: bool) -> None:
    if pdf:
        record(actor=actor, action=Action.EXPORT, obj=person, client=person, detail="access report pdf")
    else:
        record(actor=actor, action=Action.LOG_READ, object_type="audit.auditevent", client=person, detail="access report")


def log_subject_access(person: Person, *, actor: Any, fmt: str) -> None:
    record(actor=actor, action=Action.EXPORT, obj=person, client=person, detail=f"subject access {fmt}")


def log_privacy_page(person: Person, *, actor: Any) -> None:
    record(actor=actor, action=Action.READ, obj=person, client=person, detail="privacy")
