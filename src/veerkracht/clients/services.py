"""The only way to change client data. Every function is atomic, takes a keyword-only
``actor`` and writes its audit event in the same transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from veerkracht.accounts.roles import REGISTERING_ROLES
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.core.concurrency import save_with_version
from veerkracht.organisations.models import Location, Organisation, Team

from . import validation
from .models import (
    Authority,
    CareType,
    EmergencyAccess,
    Household,
    ParentChild,
    Person,
    PersonKind,
    Relationship,
    Stay,
    Transfer,
)
from .signals import child_stay_created


@dataclass
class ParentData:
    first_name: str
    last_name: str
    birth_date: datetime.date | None
    kind: str = PersonKind.MOTHER
    gender: str = "f"


@dataclass
class ChildData:
    first_name: str
    last_name: str
    birth_date: datetime.date
    gender: str = "u"
    authority: str = Authority.UNKNOWN
    relationship: str = Relationship.BIOLOGICAL
    child_worker: Any = None


@dataclass
class Registration:
    location: Location
    care_type: str
    admission_date: datetime.date
    reason: str
    parent: ParentData | None
    children: list[ChildData] = field(default_factory=list)
    team: Team | None = None
    mentor: Any = None


def _organisation_of(actor: Any) -> Organisation:
    membership = actor.membership_or_none
    if membership is None or membership.organisation_id is None or membership.role not in REGISTERING_ROLES:
        raise PermissionDenied
    return membership.organisation


def _allocate_numbers(organisation: Organisation, count: int) -> list[str]:
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    first = org.next_client_number
    org.next_client_number = first + count
    org.save(update_fields=["next_client_number"])
    return [f"{org.short_code}-{n:06d}" for n in range(first, first + count)]


def validate_registration(reg: Registration, organisation: Organisation) -> None:
    errors: list[ValidationError] = []
    if not reg.children:
        errors.append(ValidationError(_("Register at least one child."), code="no_children"))
    if reg.location.organisation_id != organisation.pk:
        errors.append(ValidationError(_("Choose a location of your own organisation."), code="location"))
    try:
        validation.check_not_in_future(reg.admission_date, _("The admission date"))
    except ValidationError as exc:
        errors.append(exc)
    people = [(c.first_name, c.last_name, c.birth_date) for c in reg.children]
    if reg.parent:
        people.append((reg.parent.first_name, reg.parent.last_name, reg.parent.birth_date))
    for _first, _last, birth in people:
        try:
            validation.check_birth_date(birth)
        except ValidationError as exc:
            errors.append(exc)
    for child in reg.children:
        try:
            validation.check_child_age(child.birth_date, reg.admission_date)
        except ValidationError as exc:
            errors.append(exc)
    seen: set[tuple[str, str, Any]] = set()
    for first, last, birth in people:
        key = (first.strip().lower(), last.strip().lower(), birth)
        if key in seen:
            errors.append(ValidationError(_("%(name)s is entered twice.") % {"name": f"{first} {last}"}, code="twice"))
        seen.add(key)
    for dup in validation.find_duplicates(organisation.pk, people):
        errors.append(ValidationError(validation.duplicate_message(dup.full_name, dup.birth_date), code="duplicate"))
    if errors:
        raise ValidationError(errors)


def do_register_household(reg: Registration, *, actor: Any) -> Household:
    """Register a household that arrives: the parent, the children, their stays and relations."""
    organisation = _organisation_of(actor)
    with transaction.atomic():
        validate_registration(reg, organisation)
        in_care = len(reg.children) + (1 if reg.parent else 0)
        numbers = _allocate_numbers(organisation, in_care + 1)
        household = Household.objects.create(
            organisation=organisation, team=reg.team, mentor=reg.mentor, reference=f"H{numbers.pop(0)}"
        )
        record(actor=actor, action=Action.CREATE, obj=household, changed_fields=["team", "mentor"])
        parent = None
        if reg.parent:
            parent = Person.objects.create(
                organisation=organisation,
                household=household,
                kind=reg.parent.kind,
                first_name=reg.parent.first_name.strip(),
                last_name=reg.parent.last_name.strip(),
                birth_date=reg.parent.birth_date,
                gender=reg.parent.gender,
                client_number=numbers.pop(0),
            )
            record(actor=actor, action=Action.CREATE, obj=parent, client=parent,
                   changed_fields=["first_name", "last_name", "birth_date", "gender", "kind"])
            _create_stay(parent, reg, actor=actor)
        for data in reg.children:
            child = Person.objects.create(
                organisation=organisation,
                household=household,
                kind=PersonKind.CHILD,
                first_name=data.first_name.strip(),
                last_name=data.last_name.strip(),
                birth_date=data.birth_date,
                gender=data.gender,
                client_number=numbers.pop(0),
                child_worker=data.child_worker,
            )
            record(actor=actor, action=Action.CREATE, obj=child, client=child,
                   changed_fields=["first_name", "last_name", "birth_date", "gender", "kind", "child_worker"])
            _create_stay(child, reg, actor=actor)
            if parent is not None:
                link = ParentChild.objects.create(
                    parent=parent, child=child, authority=data.authority, relationship=data.relationship
                )
                record(actor=actor, action=Action.CREATE, obj=link, client=child, changed_fields=["authority", "relationship"])
    return household


def _create_stay(person: Person, reg: Registration, *, actor: Any) -> Stay:
    stay = Stay.objects.create(
        person=person,
        location=reg.location,
        care_type=reg.care_type or CareType.RESIDENTIAL,
        admission_date=reg.admission_date,
        reason=reg.reason,
    )
    record(actor=actor, action=Action.CREATE, obj=stay, client=person,
           changed_fields=["location", "care_type", "admission_date", "reason"])
    if person.kind == PersonKind.CHILD:
        child_stay_created.send(sender=Stay, stay=stay, actor=actor)
    return stay


def do_update_person(person: Person, changes: dict[str, Any], *, expected_version: int, actor: Any) -> list[str]:
    """Change a person's details; refused when someone else saved in between."""
    _organisation_of(actor)
    changed = [name for name, value in changes.items() if getattr(person, name) != value]
    if not changed:
        return []
    with transaction.atomic():
        if "birth_date" in changed:
            validation.check_birth_date(changes["birth_date"])
            if person.kind == PersonKind.CHILD:
                open_stay = person.stays.filter(discharge_date__isnull=True).first()
                if open_stay:
                    validation.check_child_age(changes["birth_date"], open_stay.admission_date)
        if {"first_name", "last_name", "birth_date"} & set(changed):
            first = changes.get("first_name", person.first_name)
            last = changes.get("last_name", person.last_name)
            birth = changes.get("birth_date", person.birth_date)
            dups = validation.find_duplicates(person.organisation_id, [(first, last, birth)], exclude_pk=person.pk)
            if dups:
                raise ValidationError(validation.duplicate_message(f"{first} {last}", birth), code="duplicate")
        for name in changed:
            setattr(person, name, changes[name])
        save_with_version(person, expected_version, changed)
        record(actor=actor, action=Action.UPDATE, obj=person, client=person, changed_fields=changed)
    return changed


def do_add_father(
    household: Household,
    *,
    first_name: str,
    last_name: str,
    birth_date: datetime.date | None,
    children: list[tuple[Person, str]],
    actor: Any,
) -> Person:
    """Register a father (who does not stay in the shelter) and link him to his children."""
    organisation = _organisation_of(actor)
    if household.organisation_id != organisation.pk:
        raise PermissionDenied
    with transaction.atomic():
        validation.check_birth_date(birth_date)
        if not children:
            raise ValidationError(_("Choose at least one child of this father."), code="no_children")
        for child, _authority in children:
            if child.household_id != household.pk or child.kind != PersonKind.CHILD:
                raise ValidationError(_("Choose children of this household."), code="wrong_child")
        father = Person.objects.create(
            organisation=organisation,
            household=household,
            kind=PersonKind.FATHER,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            birth_date=birth_date,
            gender="m",
        )
        record(actor=actor, action=Action.CREATE, obj=father, client=father, changed_fields=["first_name", "last_name", "birth_date"])
        for child, authority in children:
            link = ParentChild.objects.create(parent=father, child=child, authority=authority)
            record(actor=actor, action=Action.CREATE, obj=link, client=child, changed_fields=["authority"])
    return father


def do_update_authority(
    link: ParentChild, *, authority: str, checked_on: datetime.date | None, expected_version: int, actor: Any
) -> None:
    _organisation_of(actor)
    validation.check_not_in_future(checked_on, _("The check date"))
    with transaction.atomic():
        changed = [n for n, v in (("authority", authority), ("authority_checked_on", checked_on)) if getattr(link, n) != v]
        link.authority = authority
        link.authority_checked_on = checked_on
        save_with_version(link, expected_version, ["authority", "authority_checked_on"])
        record(actor=actor, action=Action.UPDATE, obj=link, client=link.child, changed_fields=changed)


def do_admit(person: Person, *, location: Location, care_type: str, admission_date: datetime.date, reason: str, actor: Any) -> Stay:
    """A new stay for a client who is not in care (a re-admission)."""
    organisation = _organisation_of(actor)
    with transaction.atomic():
        if location.organisation_id != organisation.pk:
            raise ValidationError(_("Choose a location of your own organisation."), code="location")
        if person.kind == PersonKind.FATHER:
            raise ValidationError(_("A father who does not stay in the shelter cannot be admitted here."), code="father")
        validation.check_not_in_future(admission_date, _("The admission date"))
        if person.stays.filter(discharge_date__isnull=True).exists():
            raise ValidationError(_("This client is already in care; discharge the current stay first."), code="open_stay")
        last = person.stays.exclude(discharge_date__isnull=True).order_by("-discharge_date").first()
        if last and last.discharge_date and admission_date < last.discharge_date:
            raise ValidationError(_("The admission date lies before the end of the previous stay."), code="overlap")
        if person.kind == PersonKind.CHILD:
            validation.check_child_age(person.birth_date, admission_date)
        stay = Stay.objects.create(
            person=person, location=location, care_type=care_type, admission_date=admission_date, reason=reason
        )
        record(actor=actor, action=Action.CREATE, obj=stay, client=person,
               changed_fields=["location", "care_type", "admission_date", "reason"])
        if person.kind == PersonKind.CHILD:
            child_stay_created.send(sender=Stay, stay=stay, actor=actor)
    return stay


def do_transfer(stay: Stay, *, to_location: Location, date: datetime.date, expected_version: int, actor: Any) -> Transfer:
    organisation = _organisation_of(actor)
    with transaction.atomic():
        if to_location.organisation_id != organisation.pk or not to_location.active:
            raise ValidationError(_("Choose an active location of your own organisation."), code="location")
        if not stay.is_open:
            raise ValidationError(_("This stay has ended; it cannot be transferred."), code="closed")
        if to_location.pk == stay.location_id:
            raise ValidationError(_("The client already stays at this location."), code="same_location")
        validation.check_not_in_future(date, _("The transfer date"))
        if date < stay.admission_date:
            raise ValidationError(_("The transfer date lies before the admission date."), code="before_admission")
        last = stay.transfers.order_by("-date").first()
        if last and date < last.date:
            raise ValidationError(_("The transfer date lies before the previous transfer."), code="before_transfer")
        transfer = Transfer.objects.create(stay=stay, from_location_id=stay.location_id, to_location=to_location, date=date)
        stay.location = to_location
        save_with_version(stay, expected_version, ["location"])
        record(actor=actor, action=Action.UPDATE, obj=stay, client=stay.person, changed_fields=["location"])
    return transfer


def do_discharge(stay: Stay, *, discharge_date: datetime.date, destination: str, expected_version: int, actor: Any) -> Stay:
    _organisation_of(actor)
    with transaction.atomic():
        if not stay.is_open:
            raise ValidationError(_("This stay has already ended."), code="closed")
        validation.check_not_in_future(discharge_date, _("The discharge date"))
        validation.check_discharge(stay.admission_date, discharge_date)
        last = stay.transfers.order_by("-date").first()
        if last and discharge_date < last.date:
            raise ValidationError(_("The discharge date lies before the last transfer."), code="before_transfer")
        stay.discharge_date = discharge_date
        stay.destination = destination
        save_with_version(stay, expected_version, ["discharge_date", "destination"])
        record(actor=actor, action=Action.UPDATE, obj=stay, client=stay.person, changed_fields=["discharge_date", "destination"])
    return stay


# --- reads that the access log must show ------------------------------------------------------
def _emergency_mark(person: Person, actor: Any, what: str) -> str:
    from .queries import in_regular_scope

    return what if in_regular_scope(actor, person) else f"{what} (emergency access)"


def log_dossier_read(person: Person, *, actor: Any, what: str = "dossier") -> None:
    record(actor=actor, action=Action.READ, obj=person, client=person, detail=_emergency_mark(person, actor, what))


def do_break_glass(person: Person, *, reason: str, actor: Any) -> EmergencyAccess:
    """Open a client outside the own scope for a limited time, with a reason (logged)."""
    from django.conf import settings
    from django.utils import timezone

    from .queries import in_regular_scope

    membership = actor.membership_or_none
    if membership is None or membership.organisation_id != person.organisation_id:
        raise PermissionDenied
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(_("Describe the emergency in at least 10 characters."), code="reason")
    if in_regular_scope(actor, person):
        raise ValidationError(_("You can already open this client's record; no emergency access is needed."), code="in_scope")
    with transaction.atomic():
        now = timezone.now()
        access = EmergencyAccess.objects.create(
            user=actor, person=person, reason=reason, started_at=now,
            expires_at=now + datetime.timedelta(minutes=settings.BREAK_GLASS_MINUTES),
        )
        record(actor=actor, action=Action.BREAK_GLASS, obj=access, client=person, detail="granted")
    return access


def do_review_emergency_access(access: EmergencyAccess, *, note: str, actor: Any) -> None:
    """The log administrator reviews and closes an emergency access (it also ends it)."""
    from django.utils import timezone

    membership = actor.membership_or_none
    if membership is None or membership.role != "logbeheerder" or membership.organisation_id != access.person.organisation_id:
        raise PermissionDenied
    note = note.strip()
    if not note:
        raise ValidationError(_("Write down what the review found."), code="note")
    if access.user_id == actor.pk:
        raise ValidationError(_("You cannot review your own emergency access."), code="own")
    with transaction.atomic():
        updated = EmergencyAccess.objects.filter(pk=access.pk, reviewed_at__isnull=True).update(
            reviewed_by=actor, reviewed_at=timezone.now(), review_note=note,
            expires_at=models.functions.Least(F("expires_at"), timezone.now()),
        )
        if not updated:
            raise ValidationError(_("This emergency access has already been reviewed."), code="reviewed")
        record(actor=actor, action=Action.BREAK_GLASS, obj=access, client=access.person,
               changed_fields=["reviewed_at", "review_note"], detail="reviewed")


def log_search(*, actor: Any, filters: dict[str, Any], result_count: int) -> None:
    # The search term itself may be a name: log that a term was used, not the term.
    parts = [f"{k}={v}" for k, v in sorted(filters.items()) if v and k != "q"]
    if filters.get("q"):
        parts.append("term=yes")
    record(actor=actor, action=Action.SEARCH, object_type="clients.person", detail=f"{';'.join(parts)} results={result_count}")


def log_print(person: Person, *, actor: Any) -> None:
    record(actor=actor, action=Action.PRINT, obj=person, client=person, detail="dossier")


def log_export(*, actor: Any, object_type: str, detail: str) -> None:
    record(actor=actor, action=Action.EXPORT, object_type=object_type, detail=detail)


def log_household_read(household: Household, *, actor: Any) -> None:
    """The household page shows several clients at once: one read event for the household."""
    record(actor=actor, action=Action.READ, obj=household, detail="household")
