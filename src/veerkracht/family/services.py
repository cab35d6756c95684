"""The only way to write parenting assessments and parent support items.

Every function runs in one transaction, checks ``check_can_edit`` first, validates with
translated messages and writes its audit event (field names only, never their values)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients.models import PARENT_KINDS, ParentChild, Person
from veerkracht.core.concurrency import ConcurrentEditError, save_with_version
from veerkracht.pathway import records
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import check_can_edit, check_pathway_open

from .models import TOPICS, ParentingAssessment, ParentSupportItem, ReferralStatus, SupportKind


def parents_of(child: Person):  # type: ignore[no-untyped-def]
    """The parents of a child (mother, caregiver or father linked by ParentChild)."""
    return Person.objects.filter(
        pk__in=ParentChild.objects.filter(child=child).values("parent_id"), kind__in=PARENT_KINDS
    ).order_by("kind", "last_name", "first_name", "pk")


def _check_parent(parent: Person | None, child: Person, *, required: bool) -> list[ValidationError]:
    if parent is None:
        return [ValidationError(_("Choose the parent."), code="parent")] if required else []
    if not parents_of(child).filter(pk=parent.pk).exists():
        return [ValidationError(_("Choose a parent of this child."), code="parent")]
    return []


def _check_date(value: datetime.date | None, what: str, *, required: bool = True) -> list[ValidationError]:
    if value is None:
        return [ValidationError(_("Fill in %(what)s.") % {"what": what}, code="date")] if required else []
    if value > timezone.localdate():
        return [ValidationError(_("%(what)s cannot lie in the future.") % {"what": what.capitalize()}, code="future")]
    return []


def check_completed_on(pathway: Pathway, completed_on: datetime.date | None) -> list[ValidationError]:
    """A completion date is not in the future and not before the admission."""
    if completed_on is None:
        return []
    if completed_on > timezone.localdate():
        return [ValidationError(_("The completion date cannot lie in the future."), code="future")]
    if completed_on < pathway.stay.admission_date:
        return [ValidationError(_("The completion date lies before the admission date."), code="before")]
    return []


# --- activity 5: parenting and living situation ------------------------------------------------
def do_save_parenting(
    pathway: Pathway,
    *,
    parent: Person | None,
    conversation_date: datetime.date | None,
    topics: dict[str, str],
    completed_on: datetime.date | None = None,
    expected_version: int,
    actor: Any,
) -> ParentingAssessment:
    """Create (``expected_version`` 0) or change the pathway's parenting assessment.

    Refused with ConcurrentEditError when someone else saved in between (also when someone else
    created it first)."""
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    values = {name: (topics.get(name) or "").strip() for name in TOPICS}
    errors = _check_parent(parent, child, required=False)
    errors += _check_date(conversation_date, _("the date of the conversation"))
    if not any(values.values()):
        errors.append(ValidationError(_("Fill in at least one of the topics."), code="topics"))
    errors += check_completed_on(pathway, completed_on)
    if errors:
        raise ValidationError(errors)
    values["parent_id"] = parent.pk if parent else None
    values["conversation_date"] = conversation_date
    with transaction.atomic():
        existing = ParentingAssessment.objects.select_for_update().filter(pathway=pathway).first()
        if existing is None and expected_version:
            raise ConcurrentEditError(None)
        if existing is None:
            assessment = ParentingAssessment.objects.create(pathway=pathway, **values)
            action, changed = Action.CREATE, [n.removesuffix("_id") for n, v in values.items() if v]
        else:
            if existing.version != expected_version:
                raise ConcurrentEditError(existing)
            changed = [n.removesuffix("_id") for n, v in values.items() if getattr(existing, n) != v]
            for name, value in values.items():
                setattr(existing, name, value)
            save_with_version(existing, expected_version, list(values))
            assessment, action = existing, Action.UPDATE
        record(actor=actor, action=action, obj=assessment, client=child, changed_fields=changed,
               detail="parenting assessment")
        records.do_record_progress(pathway, records.PARENTING, completed_on=completed_on, actor=actor)
    return assessment


def log_parenting_read(pathway: Pathway, assessment: ParentingAssessment | None, *, actor: Any) -> None:
    record(actor=actor, action=Action.READ, obj=assessment or pathway, client=pathway.stay.person,
           detail="parenting assessment")


# --- activity 8: support of parents -------------------------------------------------------------
def _support_values(
    child: Person, *, parent: Person | None, kind: str, date: datetime.date | None, description: str,
    referred_to: str, referral_status: str, participated: bool | None,
) -> dict[str, Any]:
    errors = _check_parent(parent, child, required=True)
    if kind not in SupportKind.values:
        errors.append(ValidationError(_("Choose a valid kind."), code="kind"))
    errors += _check_date(date, _("the date"))
    description = (description or "").strip()
    referred_to = (referred_to or "").strip()
    if not description:
        errors.append(ValidationError(_("Fill in a description."), code="description"))
    if kind == SupportKind.REFERRAL:
        if not referred_to:
            errors.append(ValidationError(_("Fill in to whom the parent was referred."), code="referred_to"))
        if referral_status not in ReferralStatus.values:
            errors.append(ValidationError(_("Choose the status of the referral."), code="referral_status"))
    else:
        referred_to, referral_status = "", ""
    if kind == SupportKind.SESSION:
        if participated is None:
            errors.append(ValidationError(_("Say whether the parent participated."), code="participated"))
    else:
        participated = None
    if errors:
        raise ValidationError(errors)
    return {
        "parent_id": parent.pk if parent else None, "kind": kind, "date": date, "description": description,
        "referred_to": referred_to, "referral_status": referral_status, "participated": participated,
    }


def do_add_support_item(pathway: Pathway, *, actor: Any, **fields: Any) -> ParentSupportItem:
    """Add a contact, offer, referral or parent session (fields as in ``ParentSupportItem``)."""
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    values = _support_values(child, **fields)
    with transaction.atomic():
        item = ParentSupportItem.objects.create(pathway=pathway, **values)
        record(actor=actor, action=Action.CREATE, obj=item, client=child,
               changed_fields=[n.removesuffix("_id") for n, v in values.items() if v not in ("", None)],
               detail=f"parent support: {item.kind}")
        records.do_record_progress(pathway, records.PARENT_SUPPORT, actor=actor)
    return item


def do_update_support_item(item: ParentSupportItem, *, expected_version: int, actor: Any, **fields: Any) -> list[str]:
    child = item.pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(item.pathway)
    values = _support_values(child, **fields)
    changed = [n.removesuffix("_id") for n, v in values.items() if getattr(item, n) != v]
    with transaction.atomic():
        for name, value in values.items():
            setattr(item, name, value)
        save_with_version(item, expected_version, list(values))
        record(actor=actor, action=Action.UPDATE, obj=item, client=child, changed_fields=changed,
               detail=f"parent support: {item.kind}")
        records.do_record_progress(item.pathway, records.PARENT_SUPPORT, actor=actor)
    return changed


def do_delete_support_item(item: ParentSupportItem, *, expected_version: int, actor: Any) -> None:
    child = item.pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(item.pathway)
    with transaction.atomic():
        deleted, _detail = ParentSupportItem.objects.filter(pk=item.pk, version=expected_version).delete()
        if not deleted:
            raise ConcurrentEditError(ParentSupportItem.objects.filter(pk=item.pk).first())
        record(actor=actor, action=Action.DELETE, object_type="family.parentsupportitem", object_id=str(item.pk),
               client=child, detail=f"parent support: {item.kind}")


def do_complete_parent_support(pathway: Pathway, *, completed_on: datetime.date | None, actor: Any) -> None:
    """Mark 'support of parents' done (when this record alone completes its activity)."""
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    errors = _check_date(completed_on, _("the completion date")) + check_completed_on(pathway, completed_on)
    if not errors and not pathway.parent_support_items.exists():
        errors.append(ValidationError(_("Add at least one support item before completing the activity."), code="empty"))
    if not errors and not records.completes_activity(pathway, records.PARENT_SUPPORT):
        errors.append(ValidationError(_("This activity is completed on the step plan."), code="not_here"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        records.do_record_progress(pathway, records.PARENT_SUPPORT, completed_on=completed_on, actor=actor)


def log_support_read(pathway: Pathway, *, actor: Any, obj: Any = None) -> None:
    record(actor=actor, action=Action.READ, obj=obj or pathway, client=pathway.stay.person,
           detail="parent support")
