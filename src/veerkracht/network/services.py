"""The only way to write a child's network: atomic, permission-checked, audited (field names only)."""

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
from veerkracht.pathway import records
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import check_can_edit, check_pathway_open

from .models import MemberType, NetworkMember, Quality, RelationKind

NAME_MAX = 200
ROLE_MAX = 80
TEXT_MAX = 5000


def _member_values(
    *, name: str, member_type: str, relation: str, role: str = "", quality: str, contact_allowed: bool,
    safe_person: bool, reach: str = "", notes: str = "",
) -> dict[str, Any]:
    name, role = " ".join((name or "").split()), " ".join((role or "").split())
    reach, notes = (reach or "").strip(), (notes or "").strip()
    errors = []
    if not name:
        errors.append(ValidationError(_("Fill in the name."), code="name"))
    elif len(name) > NAME_MAX:
        errors.append(ValidationError(_("The name is too long."), code="name"))
    if member_type not in MemberType.values:
        errors.append(ValidationError(_("Choose a person or an organisation."), code="member_type"))
    if relation not in RelationKind.values:
        errors.append(ValidationError(_("Choose the kind of relation."), code="relation"))
    if quality not in Quality.values:
        errors.append(ValidationError(_("Choose the quality of the relation."), code="quality"))
    if len(role) > ROLE_MAX:
        errors.append(ValidationError(_("The role is too long."), code="role"))
    if len(reach) > TEXT_MAX or len(notes) > TEXT_MAX:
        errors.append(ValidationError(_("The text is too long."), code="length"))
    if quality == Quality.RISK and safe_person:
        errors.append(ValidationError(_("Someone who is a risk to the child cannot be a safe person."), code="risk_safe"))
    if errors:
        raise ValidationError(errors)
    return {
        "name": name, "member_type": member_type, "relation": relation, "role": role, "quality": quality,
        "contact_allowed": bool(contact_allowed), "safe_person": bool(safe_person), "reach": reach, "notes": notes,
    }


def do_add_member(pathway: Pathway, *, actor: Any, **fields: Any) -> NetworkMember:
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    values = _member_values(**fields)
    with transaction.atomic():
        member = NetworkMember.objects.create(pathway=pathway, **values)
        record(actor=actor, action=Action.CREATE, obj=member, client=child,
               changed_fields=[n for n, v in values.items() if v not in ("", None)],
               detail=f"network member: {member.relation} {member.quality}")
        records.do_record_progress(pathway, records.NETWORK, actor=actor)
    return member


def do_update_member(member: NetworkMember, *, expected_version: int, actor: Any, **fields: Any) -> list[str]:
    child = member.pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(member.pathway)
    values = _member_values(**fields)
    changed = [n for n, v in values.items() if getattr(member, n) != v]
    with transaction.atomic():
        for name, value in values.items():
            setattr(member, name, value)
        save_with_version(member, expected_version, list(values))
        record(actor=actor, action=Action.UPDATE, obj=member, client=child, changed_fields=changed,
               detail=f"network member: {member.relation} {member.quality}")
        records.do_record_progress(member.pathway, records.NETWORK, actor=actor)
    return changed


def do_delete_member(member: NetworkMember, *, expected_version: int, actor: Any) -> None:
    child = member.pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(member.pathway)
    with transaction.atomic():
        deleted, _rows = NetworkMember.objects.filter(pk=member.pk, version=expected_version).delete()
        if not deleted:
            raise ConcurrentEditError(NetworkMember.objects.filter(pk=member.pk).first())
        record(actor=actor, action=Action.DELETE, object_type="network.networkmember", object_id=str(member.pk),
               client=child, detail="network member")


def do_complete_network(pathway: Pathway, *, completed_on: datetime.date | None, actor: Any) -> None:
    """Mark 'resources from the network' done (only where this record alone completes its activity)."""
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    errors = []
    if completed_on is None:
        errors.append(ValidationError(_("Fill in the completion date."), code="date"))
    elif completed_on > timezone.localdate():
        errors.append(ValidationError(_("The completion date cannot lie in the future."), code="future"))
    elif completed_on < pathway.stay.admission_date:
        errors.append(ValidationError(_("The completion date lies before the admission date."), code="before"))
    if not errors and not pathway.network_members.exists():
        errors.append(ValidationError(_("Add at least one network member before completing the activity."), code="empty"))
    if not errors and not records.completes_activity(pathway, records.NETWORK):
        errors.append(ValidationError(_("This activity is completed on the step plan."), code="not_here"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        records.do_record_progress(pathway, records.NETWORK, completed_on=completed_on, actor=actor)


def log_network_read(pathway: Pathway, *, actor: Any, what: str = "network", obj: Any = None) -> None:
    record(actor=actor, action=Action.READ, obj=obj or pathway, client=pathway.stay.person, detail=what)
