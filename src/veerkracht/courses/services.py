"""The only way to write group courses: atomic, permission-checked, audited (field names only).

Who may do what:
- the staff of the group's organisation with an editing role create groups, record attendance,
  add make-up sessions, register dropouts and change the status;
- a child is enrolled only by an editing worker of the CHILD's organisation: into an own group, or
  into a group another organisation opened for a region the child's organisation serves (that
  enrolment is the referral). A full group puts the child on the waiting list; a child of the wrong
  age, or without complete consent for the help plan, is refused with a clear message."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients.models import PARENT_KINDS, Person, PersonKind, age_on
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import EDITING_ROLES, check_can_edit

from .models import (
    CourseTemplate,
    DropoutReason,
    Enrolment,
    EnrolmentStatus,
    Group,
    GroupStatus,
    Session,
    SessionKind,
)

TEMPLATE_DIRECTORY = Path(__file__).resolve().parent / "templates"
TEMPLATE_FIELDS = ("name", "min_age", "max_age", "sessions", "minutes", "max_children", "parent_sessions",
                   "focus_on_violence", "instruments", "topics")
CONSENT_CODES = ("action_plan", "plan_guidance")
NAME_MAX = 120
TEXT_MAX = 2000
DAYS_BETWEEN = 7


def load_course_templates(directory: Path = TEMPLATE_DIRECTORY) -> int:
    """Create or update the shipped course templates from the JSON files; returns how many."""
    count = 0
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        CourseTemplate.objects.update_or_create(
            code=data["code"], organisation=None, defaults={name: data[name] for name in TEMPLATE_FIELDS})
        count += 1
    return count


# -- permissions ------------------------------------------------------------------------------------
def _membership(actor: Any) -> Any:
    return getattr(actor, "membership_or_none", None)


def can_manage_group(actor: Any, group: Group) -> bool:
    membership = _membership(actor)
    return bool(membership is not None and membership.role in EDITING_ROLES
                and membership.organisation_id == group.organisation_id)


def check_can_manage(actor: Any, group: Group) -> None:
    if not can_manage_group(actor, group):
        raise PermissionDenied


def may_refer_to(actor: Any, group: Group) -> bool:
    """May this user enrol children of the own organisation into ``group``?"""
    membership = _membership(actor)
    if membership is None or membership.role not in EDITING_ROLES or membership.organisation_id is None:
        return False
    if membership.organisation_id == group.organisation_id:
        return True
    return bool(group.region_id and membership.organisation.regions.filter(pk=group.region_id).exists())


def _check_open(group: Group) -> None:
    if group.status == GroupStatus.COMPLETED:
        raise ValidationError(_("This group has been completed and can no longer be changed."), code="completed")


# -- groups -----------------------------------------------------------------------------------------
def do_create_group(
    *, template: CourseTemplate, name: str, start_date: datetime.date | None, actor: Any,
    max_children: int | None = None, meeting_place: str = "", trainers: list[Any] | None = None,
    region: Any = None, days_between: int = DAYS_BETWEEN,
) -> Group:
    """A group from a template, with its child and parent sessions planned every ``days_between`` days
    from the start date (the parent sessions on the dates of the first child sessions)."""
    membership = _membership(actor)
    if membership is None or membership.role not in EDITING_ROLES or membership.organisation_id is None:
        raise PermissionDenied
    organisation = membership.organisation
    if template.organisation_id not in (None, organisation.pk):
        raise PermissionDenied
    if not template.active:
        raise ValidationError(_("This course is no longer offered: choose another course."), code="inactive")
    name = " ".join(str(name or "").split())
    meeting_place = str(meeting_place or "").strip()
    trainers = list(trainers or [])
    max_children = template.max_children if max_children is None else max_children
    errors = []
    if not name:
        errors.append(ValidationError(_("Fill in a name for the group."), code="name"))
    elif len(name) > NAME_MAX:
        errors.append(ValidationError(_("The name is too long."), code="name"))
    if start_date is None:
        errors.append(ValidationError(_("Fill in the start date."), code="start_date"))
    if not 1 <= max_children <= template.max_children:
        errors.append(ValidationError(
            _("The group can have at most %(max)s children (the maximum of the course).") % {
                "max": template.max_children}, code="max_children"))
    if len(meeting_place) > TEXT_MAX:
        errors.append(ValidationError(_("The text is too long."), code="length"))
    if any(getattr(_membership(t), "organisation_id", None) != organisation.pk for t in trainers):
        errors.append(ValidationError(_("Trainers must work at your own organisation."), code="trainers"))
    if region is not None and not organisation.regions.filter(pk=region.pk).exists():
        errors.append(ValidationError(_("Your organisation does not serve this region."), code="region"))
    if not 1 <= days_between <= 31:
        errors.append(ValidationError(_("The days between sessions must be between 1 and 31."), code="days"))
    if errors:
        raise ValidationError(errors)
    assert start_date is not None
    with transaction.atomic():
        group = Group.objects.create(
            template=template, organisation=organisation, name=name, region=region, meeting_place=meeting_place,
            start_date=start_date, max_children=max_children, created_by=actor)
        group.trainers.set(trainers)
        step = datetime.timedelta(days=days_between)
        sessions = [Session(group=group, number=n, date=start_date + (n - 1) * step, kind=SessionKind.CHILD,
                            topic=template.topic_for(n)) for n in range(1, template.sessions + 1)]
        sessions += [Session(group=group, number=n, date=start_date + (n - 1) * step, kind=SessionKind.PARENT)
                     for n in range(1, template.parent_sessions + 1)]
        Session.objects.bulk_create(sessions)
        record(actor=actor, action=Action.CREATE, obj=group,
               changed_fields=["template", "name", "start_date", "max_children"]
               + (["meeting_place"] if meeting_place else []) + (["trainers"] if trainers else [])
               + (["region"] if region is not None else []),
               detail=f"course group: {template.code}, {len(sessions)} sessions")
    return group


def do_change_group_status(group: Group, *, status: str, expected_version: int, actor: Any) -> Group:
    """planned -> running -> completed. Completing the group completes every enrolled child."""
    check_can_manage(actor, group)
    allowed = {GroupStatus.PLANNED: (GroupStatus.RUNNING, GroupStatus.COMPLETED),
               GroupStatus.RUNNING: (GroupStatus.COMPLETED,), GroupStatus.COMPLETED: ()}
    with transaction.atomic():
        current = Group.objects.select_for_update().filter(pk=group.pk).first()
        if current is None or current.version != expected_version:
            raise ConcurrentEditError(current)
        if status not in allowed.get(current.status, ()):
            raise ValidationError(_("The group cannot get this status now."), code="status")
        Group.objects.filter(pk=group.pk).update(status=status, version=current.version + 1,
                                                 updated_at=timezone.now())
        if status == GroupStatus.COMPLETED:
            Enrolment.objects.filter(group=group, status=EnrolmentStatus.ENROLLED).update(
                status=EnrolmentStatus.COMPLETED, updated_at=timezone.now())
        record(actor=actor, action=Action.UPDATE, obj=group, changed_fields=["status"],
               detail=f"course group: {status}")
    group.refresh_from_db()
    return group


def do_add_makeup_session(group: Group, *, date: datetime.date | None, makeup_for: Session | None,
                          actor: Any, topic: str = "") -> Session:
    """A make-up session for a session some children (or parents) missed."""
    check_can_manage(actor, group)
    _check_open(group)
    errors = []
    if date is None:
        errors.append(ValidationError(_("Fill in the date."), code="date"))
    if makeup_for is None or makeup_for.group_id != group.pk or makeup_for.is_makeup:
        errors.append(ValidationError(_("Choose the session this one makes up for."), code="makeup_for"))
    elif date is not None and date < makeup_for.date:
        errors.append(ValidationError(_("A make-up session cannot be before the session it makes up for."),
                                      code="date"))
    if errors:
        raise ValidationError(errors)
    assert makeup_for is not None and date is not None
    topic = " ".join(str(topic or "").split())[:200] or makeup_for.topic
    with transaction.atomic():
        session = Session.objects.create(group=group, number=makeup_for.number, date=date, kind=makeup_for.kind,
                                         topic=topic, is_makeup=True, makeup_for=makeup_for)
        record(actor=actor, action=Action.CREATE, obj=session, changed_fields=["date", "makeup_for"],
               detail="course make-up session")
    return session


# -- enrolment --------------------------------------------------------------------------------------
def pathway_of(child: Person) -> Pathway | None:
    return (Pathway.objects.filter(stay__person=child).select_related("stay__person")
            .order_by("-stay__admission_date", "-pk").first())


def _consent_missing(child: Person) -> bool:
    from veerkracht.consent.queries import status_for_pathway

    pathway = pathway_of(child)
    if pathway is None:
        return False
    statuses = status_for_pathway(pathway)
    return any(code in statuses and not statuses[code].is_complete for code in CONSENT_CODES)


def do_enrol(group: Group, *, child: Person, actor: Any) -> Enrolment:
    """Enrol ``child``; a full group puts it on the waiting list (status "waiting")."""
    check_can_edit(actor, child)
    if not may_refer_to(actor, group):
        raise PermissionDenied
    _check_open(group)
    template = group.template
    if child.kind != PersonKind.CHILD:
        raise ValidationError(_("Only a child can be enrolled in a group."), code="not_child")
    age = age_on(child.birth_date, group.start_date)
    if age is None:
        raise ValidationError(_("The date of birth of the child is not known, so its age cannot be checked."),
                              code="age")
    if not template.min_age <= age <= template.max_age:
        raise ValidationError(
            _("This course is for children from %(min)s to %(max)s years old; on the start date the child is "
              "%(age)s.") % {"min": template.min_age, "max": template.max_age, "age": age}, code="age")
    if _consent_missing(child):
        raise ValidationError(
            _("The consent for the help plan is not complete: record it before enrolling the child."),
            code="consent")
    with transaction.atomic():
        Group.objects.select_for_update().filter(pk=group.pk).first()
        if Enrolment.objects.filter(group=group, child=child).exists():
            raise ValidationError(_("This child is already enrolled in this group or on its waiting list."),
                                  code="duplicate")
        taken = Enrolment.objects.filter(group=group, status=EnrolmentStatus.ENROLLED).count()
        status = EnrolmentStatus.ENROLLED if taken < group.max_children else EnrolmentStatus.WAITING
        enrolment = Enrolment.objects.create(group=group, child=child, status=status, referred_by=actor)
        record(actor=actor, action=Action.CREATE, obj=enrolment, client=child, changed_fields=["group", "status"],
               detail=f"course enrolment: {status}"
               + (" (referral to another organisation)" if group.organisation_id != child.organisation_id else ""))
    return enrolment


def do_admit_from_waiting_list(enrolment: Enrolment, *, expected_version: int, actor: Any) -> Enrolment:
    group = enrolment.group
    check_can_manage(actor, group)
    _check_open(group)
    with transaction.atomic():
        Group.objects.select_for_update().filter(pk=group.pk).first()
        current = Enrolment.objects.filter(pk=enrolment.pk).first()
        if current is None or current.version != expected_version:
            raise ConcurrentEditError(current)
        if current.status != EnrolmentStatus.WAITING:
            raise ValidationError(_("This child is not on the waiting list."), code="status")
        if Enrolment.objects.filter(group=group, status=EnrolmentStatus.ENROLLED).count() >= group.max_children:
            raise ValidationError(_("The group is full."), code="full")
        Enrolment.objects.filter(pk=current.pk).update(status=EnrolmentStatus.ENROLLED, version=current.version + 1,
                                                       updated_at=timezone.now())
        record(actor=actor, action=Action.UPDATE, obj=current, client=current.child,
               changed_fields=["status"], detail="course enrolment: admitted from the waiting list")
    current.refresh_from_db()
    return current


def do_drop_out(enrolment: Enrolment, *, reason: str, on: datetime.date | None, expected_version: int,
                actor: Any) -> Enrolment:
    """The child stops before the end of the course, with a reason. The group's staff or a worker of
    the child's organisation may register it."""
    group = enrolment.group
    if not (can_manage_group(actor, group) or (may_refer_to(actor, group)
                                               and _membership(actor).organisation_id == enrolment.child.organisation_id)):
        raise PermissionDenied
    errors = []
    if reason not in DropoutReason.values:
        errors.append(ValidationError(_("Choose the reason for dropping out."), code="reason"))
    if on is None:
        errors.append(ValidationError(_("Fill in the date."), code="date"))
    elif on > timezone.localdate():
        errors.append(ValidationError(_("The date cannot lie in the future."), code="date_future"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Group.objects.select_for_update().filter(pk=group.pk).first()  # the places are counted under this lock
        current = Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        if current is None or current.version != expected_version:
            raise ConcurrentEditError(current)
        if current.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING):
            raise ValidationError(_("This enrolment has already ended."), code="status")
        Enrolment.objects.filter(pk=current.pk).update(
            status=EnrolmentStatus.DROPPED_OUT, dropout_reason=reason, dropped_out_on=on,
            version=current.version + 1, updated_at=timezone.now())
        record(actor=actor, action=Action.UPDATE, obj=current, client=current.child,
               changed_fields=["status", "dropout_reason", "dropped_out_on"], detail=f"course dropout: {reason}")
        promotion = (promote_from_waiting_list(group, actor=actor) if current.status == EnrolmentStatus.ENROLLED
                     else Promotion())
    current.refresh_from_db()
    current.promotion = promotion  # type: ignore[attr-defined]
    return current


# -- promotion from the waiting list ----------------------------------------------------------------
@dataclass
class Promotion:
    """What happened to the waiting list when places freed: the children admitted, and those skipped
    because their age or consent no longer fits (they stay on the waiting list), each with the reason."""

    admitted: list[Enrolment] = field(default_factory=list)
    skipped: list[tuple[Enrolment, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.admitted or self.skipped)


def _no_longer_fits(enrolment: Enrolment, group: Group) -> str:
    """Why a waiting child can no longer be admitted ("" when it still fits): the same checks as enrolment."""
    child, template = enrolment.child, group.template
    age = age_on(child.birth_date, group.start_date)
    if age is None or not template.min_age <= age <= template.max_age:
        return _("its age no longer fits the course")
    if _consent_missing(child):
        return _("the consent for the help plan is no longer complete")
    return ""


def promote_from_waiting_list(group: Group, *, actor: Any) -> Promotion:
    """Admit the longest-waiting children while the group has free places (children of other
    organisations too), each audited under the child. Call it inside the transaction that freed the
    place, with the group's row locked (select_for_update)."""
    promotion = Promotion()
    current = Group.objects.select_related("template").filter(pk=group.pk).first()
    if current is None or current.status == GroupStatus.COMPLETED:
        return promotion
    free = current.max_children - Enrolment.objects.filter(group=current, status=EnrolmentStatus.ENROLLED).count()
    if free <= 0:
        return promotion
    waiting = Enrolment.objects.filter(group=current, status=EnrolmentStatus.WAITING).select_related("child") \
        .order_by("created_at", "pk")
    for enrolment in waiting:
        if free <= 0:
            break
        reason = _no_longer_fits(enrolment, current)
        if reason:
            promotion.skipped.append((enrolment, reason))
            continue
        Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.ENROLLED,
                                                         version=enrolment.version + 1, updated_at=timezone.now())
        enrolment.status, enrolment.version = EnrolmentStatus.ENROLLED, enrolment.version + 1
        record(actor=actor, action=Action.UPDATE, obj=enrolment, client=enrolment.child, changed_fields=["status"],
               detail="course enrolment: admitted from the waiting list automatically (a place freed)")
        promotion.admitted.append(enrolment)
        free -= 1
    if promotion.admitted:
        _plan_like_the_group(current, promotion.admitted, actor=actor)
    return promotion


def _plan_like_the_group(group: Group, enrolments: list[Enrolment], *, actor: Any) -> None:
    """When the group's measurements have been planned, a child admitted later gets its own T0/T1/T2 too."""
    from .measurements import due_dates, instruments_for
    from .models import Measurement

    if not Measurement.objects.filter(enrolment__group=group).exists():
        return
    dates = due_dates(group)
    rows = [Measurement(enrolment=enrolment, timepoint=timepoint, instrument_id=instrument_id, due_on=due_on)
            for enrolment in enrolments for timepoint, due_on in dates.items()
            for instrument_id in instruments_for(group, enrolment.child, due_on)]
    Measurement.objects.bulk_create(rows, ignore_conflicts=True)
    record(actor=actor, action=Action.CREATE, obj=group, changed_fields=["measurements"],
           detail=f"course measurements planned for children admitted from the waiting list: {len(rows)}")


# -- editing a group ----------------------------------------------------------------------------------
def do_update_group(group: Group, *, name: str, max_children: int | None, meeting_place: str,
                    trainers: list[Any], region: Any, expected_version: int, actor: Any) -> Group:
    """Change name, maximum size, meeting place, trainers and whether the group is open to the region.
    Raising the maximum admits children from the waiting list in the same transaction (the returned
    group's ``promotion`` says who)."""
    check_can_manage(actor, group)
    organisation = group.organisation
    name = " ".join(str(name or "").split())
    meeting_place = str(meeting_place or "").strip().replace("\r\n", "\n")
    trainers = list(trainers or [])
    errors = []
    if not name:
        errors.append(ValidationError(_("Fill in a name for the group."), code="name"))
    elif len(name) > NAME_MAX:
        errors.append(ValidationError(_("The name is too long."), code="name"))
    if max_children is None or max_children < 1:
        errors.append(ValidationError(_("Fill in the maximum number of children (at least 1)."), code="max_children"))
    if len(meeting_place) > TEXT_MAX:
        errors.append(ValidationError(_("The text is too long."), code="meeting_place"))
    if any(getattr(_membership(t), "organisation_id", None) != organisation.pk for t in trainers):
        errors.append(ValidationError(_("Trainers must work at your own organisation."), code="trainers"))
    if region is not None and not organisation.regions.filter(pk=region.pk).exists():
        errors.append(ValidationError(_("Your organisation does not serve this region."), code="region"))
    if errors:
        raise ValidationError(errors)
    assert max_children is not None
    with transaction.atomic():
        current = Group.objects.select_for_update(of=("self",)).select_related("template").filter(pk=group.pk).first()
        if current is None or current.version != expected_version:
            raise ConcurrentEditError(current)
        _check_open(current)
        if max_children > max(current.template.max_children, current.max_children):
            raise ValidationError(_("The group can have at most %(max)s children (the maximum of the course).") % {
                "max": max(current.template.max_children, current.max_children)}, code="max_children")
        enrolled = Enrolment.objects.filter(group=current, status=EnrolmentStatus.ENROLLED).count()
        if max_children < enrolled:
            raise ValidationError(
                _("%(count)s children are enrolled, so the maximum cannot be lower than %(count)s.") % {
                    "count": enrolled}, code="max_children")
        before = {"name": current.name, "max_children": current.max_children, "meeting_place": current.meeting_place,
                  "region": current.region_id, "trainers": set(current.trainers.values_list("pk", flat=True))}
        after = {"name": name, "max_children": max_children, "meeting_place": meeting_place,
                 "region": region.pk if region is not None else None, "trainers": {t.pk for t in trainers}}
        changed = [key for key in before if before[key] != after[key]]
        current.name, current.max_children, current.meeting_place, current.region = (
            name, max_children, meeting_place, region)
        current.version += 1
        current.save(update_fields=["name", "max_children", "meeting_place", "region", "version", "updated_at"])
        if "trainers" in changed:
            current.trainers.set(trainers)
        record(actor=actor, action=Action.UPDATE, obj=current, changed_fields=changed or ["version"],
               detail="course group edited")
        promotion = (promote_from_waiting_list(current, actor=actor) if max_children > before["max_children"]
                     else Promotion())
    current.promotion = promotion  # type: ignore[attr-defined]
    return current


def do_move_session(session: Session, *, date: datetime.date | None, expected_version: int, actor: Any) -> Session:
    """Move one session to another date. A planned session stays between the sessions before and after it
    (of the same kind) and before its make-up sessions; a session with recorded attendance keeps its date.
    The group's start date follows its first session, and planned measurements that were not entered get
    their new due dates in the same transaction."""
    group = session.group
    check_can_manage(actor, group)
    if date is None:
        raise ValidationError(_("Fill in the date."), code="date")
    with transaction.atomic():
        locked = Group.objects.select_for_update().filter(pk=group.pk).first()
        current = Session.objects.select_for_update().filter(pk=session.pk).first()
        if locked is None or current is None or current.version != expected_version:
            raise ConcurrentEditError(current)
        _check_open(locked)
        if current.attendances.exists():
            raise ValidationError(_("The attendance of this session has been recorded, so its date can no longer "
                                    "be moved."), code="date")
        _check_session_order(current, date)
        old = current.date
        Session.objects.filter(pk=current.pk).update(date=date, version=current.version + 1,
                                                     updated_at=timezone.now())
        record(actor=actor, action=Action.UPDATE, obj=current, changed_fields=["date"],
               detail=f"course session moved: {current.kind} {current.number}, {(date - old).days:+d} days")
        first = (Session.objects.filter(group=locked, is_makeup=False).order_by("date").values_list("date", flat=True)
                 .first())
        if first is not None and first != locked.start_date:
            Group.objects.filter(pk=locked.pk).update(start_date=first, updated_at=timezone.now())
            locked.start_date = first
        from .models import Measurement

        if Measurement.objects.filter(enrolment__group=locked).exists():
            from .measurements import do_plan_measurements

            do_plan_measurements(locked, actor=actor)
    current.refresh_from_db()
    return current


def _check_session_order(session: Session, date: datetime.date) -> None:
    if session.is_makeup:
        if session.makeup_for is not None and date < session.makeup_for.date:
            raise ValidationError(_("A make-up session cannot be before the session it makes up for."), code="date")
        return
    siblings = Session.objects.filter(group_id=session.group_id, kind=session.kind, is_makeup=False)
    before = siblings.filter(number__lt=session.number).order_by("-number").first()
    after = siblings.filter(number__gt=session.number).order_by("number").first()
    if before is not None and date <= before.date:
        raise ValidationError(_("Session %(number)s must stay after session %(other)s (%(date)s).") % {
            "number": session.number, "other": before.number, "date": before.date.strftime("%d-%m-%Y")}, code="date")
    if after is not None and date >= after.date:
        raise ValidationError(_("Session %(number)s must stay before session %(other)s (%(date)s).") % {
            "number": session.number, "other": after.number, "date": after.date.strftime("%d-%m-%Y")}, code="date")
    makeup = session.makeups.order_by("date").first()
    if makeup is not None and date > makeup.date:
        raise ValidationError(_("A make-up session for this session is on %(date)s: the session cannot move after "
                                "it.") % {"date": makeup.date.strftime("%d-%m-%Y")}, code="date")


# -- attendance -------------------------------------------------------------------------------------
def attendees(session: Session) -> list[tuple[Enrolment, Person]]:
    """Who can attend ``session``: each enrolled (or completed) child, or at a parent session the
    child's mother or other caregiver(s). Ordered by the child's first name."""
    from veerkracht.clients.models import ParentChild

    enrolments = list(
        Enrolment.objects.filter(group_id=session.group_id,
                                 status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED,
                                             EnrolmentStatus.DROPPED_OUT))
        .select_related("child").order_by("child__first_name", "pk"))
    # a child who dropped out before the session no longer attends
    enrolments = [e for e in enrolments
                  if e.status != EnrolmentStatus.DROPPED_OUT or (e.dropped_out_on and e.dropped_out_on > session.date)]
    if session.kind == SessionKind.CHILD:
        return [(e, e.child) for e in enrolments]
    links = ParentChild.objects.filter(child__in=[e.child_id for e in enrolments],
                                       parent__kind__in=[k for k in PARENT_KINDS if k != PersonKind.FATHER])
    parents: dict[int, list[Person]] = {}
    for link in links.select_related("parent").order_by("parent__first_name"):
        parents.setdefault(link.child_id, []).append(link.parent)
    return [(e, parent) for e in enrolments for parent in parents.get(e.child_id, [])]


def do_record_attendance(session: Session, *, present: dict[tuple[int, int], bool], expected_version: int,
                         actor: Any, notes: str | None = None) -> Session:
    """Record who was present: ``present`` maps (enrolment id, person id) to True/False; anyone who can
    attend and is not in the mapping is recorded as absent."""
    from .models import Attendance

    group = session.group
    check_can_manage(actor, group)
    _check_open(group)
    if session.date > timezone.localdate():
        raise ValidationError(_("Attendance can only be recorded on or after the day of the session."),
                              code="date_future")
    if notes is not None:
        notes = str(notes).strip().replace("\r\n", "\n")
        if len(notes) > TEXT_MAX:
            raise ValidationError(_("The text is too long."), code="length")
    with transaction.atomic():
        current = Session.objects.select_for_update().filter(pk=session.pk).first()
        if current is None or current.version != expected_version:
            raise ConcurrentEditError(current)
        pairs = attendees(current)
        allowed = {(e.pk, p.pk) for e, p in pairs}
        if set(present) - allowed:
            raise ValidationError(_("Someone in the list is not in this group."), code="unknown")
        existing = {(a.enrolment_id, a.person_id): a for a in Attendance.objects.filter(session=current)}
        for enrolment, person in pairs:
            value = bool(present.get((enrolment.pk, person.pk), False))
            row = existing.get((enrolment.pk, person.pk))
            if row is None:
                Attendance.objects.create(session=current, enrolment=enrolment, person=person, present=value,
                                          recorded_by=actor)
            elif row.present != value:
                row.present, row.recorded_by = value, actor
                row.save(update_fields=["present", "recorded_by", "recorded_at"])
        changes: dict[str, Any] = {"version": current.version + 1, "updated_at": timezone.now()}
        if notes is not None:
            changes["notes"] = notes
        Session.objects.filter(pk=current.pk).update(**changes)
        record(actor=actor, action=Action.UPDATE, obj=current,
               changed_fields=["attendance"] + (["notes"] if notes else []),
               detail=f"course attendance: {sum(1 for v in present.values() if v)} of {len(pairs)} present")
    current.refresh_from_db()
    return current


def log_group_read(group: Group, *, actor: Any, what: str = "course group") -> None:
    record(actor=actor, action=Action.READ, obj=group, detail=what)


# -- the organisation's own session topics ------------------------------------------------------------
TOPIC_MAX = 200


def do_save_topics(template: CourseTemplate, *, topics: list[str], expected_version: int, actor: Any
                   ) -> CourseTemplate:
    """Save the session topics for the actor's organisation. A shipped template is never changed: the
    organisation gets its own copy (same code and format) that replaces the shipped one in its lists."""
    membership = _membership(actor)
    if membership is None or membership.role not in EDITING_ROLES or membership.organisation_id is None:
        raise PermissionDenied
    if template.organisation_id not in (None, membership.organisation_id):
        raise PermissionDenied
    topics = [" ".join(str(t or "").split()) for t in topics]
    errors = []
    if len(topics) != template.sessions or not all(topics):
        errors.append(ValidationError(_("Fill in a topic for each of the %(count)s sessions.") % {
            "count": template.sessions}, code="topics"))
    if any(len(t) > TOPIC_MAX for t in topics):
        errors.append(ValidationError(_("A topic can be at most %(max)s characters.") % {"max": TOPIC_MAX},
                                      code="topics"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = CourseTemplate.objects.select_for_update().filter(pk=template.pk).first()
        if current is None or current.version != expected_version:
            raise ConcurrentEditError(current)
        if current.organisation_id is None:
            own, created = CourseTemplate.objects.get_or_create(
                organisation_id=membership.organisation_id, code=current.code,
                defaults={name: getattr(current, name) for name in TEMPLATE_FIELDS})
            if not created:
                raise ValidationError(_("Your organisation already has its own version of this course."),
                                      code="exists")
            own.topics = topics
            own.save(update_fields=["topics", "updated_at"])
        else:
            own = current
            CourseTemplate.objects.filter(pk=own.pk).update(topics=topics, version=own.version + 1,
                                                            updated_at=timezone.now())
            own.refresh_from_db()
        record(actor=actor, action=Action.UPDATE if current.organisation_id else Action.CREATE, obj=own,
               changed_fields=["topics"], detail=f"course template topics: {own.code}")
    return own


def log_enrolment_read(enrolment: Enrolment, *, actor: Any) -> None:
    """A child's course data was read (attendance of one enrolment): logged under the child."""
    record(actor=actor, action=Action.READ, obj=enrolment, client=enrolment.child, detail="course enrolment")


# -- the organisation's own course templates --------------------------------------------------------
AGE_RANGE = (0, 18)
SESSIONS_RANGE = (1, 30)
PARENT_SESSIONS_RANGE = (0, 30)
MINUTES_RANGE = (15, 240)
CHILDREN_RANGE = (1, 20)
CODE_MAX = 40
# the respondents whose questionnaires a course measures with (the screening engine's definitions)
INSTRUMENT_RESPONDENTS = ("child", "caregiver")
OWN_TEMPLATE_FIELDS = ("name", "min_age", "max_age", "sessions", "minutes", "max_children", "parent_sessions",
                       "focus_on_violence", "instruments", "topics", "active")


def can_edit_templates(actor: Any) -> bool:
    membership = _membership(actor)
    return bool(membership is not None and membership.role in EDITING_ROLES and membership.organisation_id)


def _number(values: dict[str, Any], name: str) -> int | None:
    value = values.get(name)
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def clean_template_values(values: dict[str, Any]) -> dict[str, Any]:
    """The values of an own course template, checked and normalised; a ValidationError lists every
    fault, each with the field's name as its code."""
    from veerkracht.screening.engine import definitions

    name = " ".join(str(values.get("name") or "").split())
    numbers = {key: _number(values, key) for key in ("min_age", "max_age", "sessions", "minutes", "max_children",
                                                     "parent_sessions")}
    topics = [" ".join(str(t or "").split()) for t in values.get("topics") or []]
    while topics and not topics[-1]:
        topics.pop()
    instruments = list(dict.fromkeys(str(i) for i in values.get("instruments") or []))
    errors = []

    def outside(key: str, bounds: tuple[int, int]) -> bool:
        number = numbers[key]
        return number is None or not bounds[0] <= number <= bounds[1]

    if not name:
        errors.append(ValidationError(_("Fill in a name for the course."), code="name"))
    elif len(name) > NAME_MAX:
        errors.append(ValidationError(_("The name is too long."), code="name"))
    ages_ok = True
    for key in ("min_age", "max_age"):
        if outside(key, AGE_RANGE):
            ages_ok = False
            errors.append(ValidationError(_("Fill in an age from %(min)s to %(max)s years.") % {
                "min": AGE_RANGE[0], "max": AGE_RANGE[1]}, code=key))
    if ages_ok and numbers["min_age"] > numbers["max_age"]:  # type: ignore[operator]
        ages_ok = False
        errors.append(ValidationError(_("The minimum age cannot be above the maximum age."), code="max_age"))
    if outside("sessions", SESSIONS_RANGE):
        errors.append(ValidationError(_("The number of child sessions must be from %(min)s to %(max)s.") % {
            "min": SESSIONS_RANGE[0], "max": SESSIONS_RANGE[1]}, code="sessions"))
    if outside("parent_sessions", PARENT_SESSIONS_RANGE):
        errors.append(ValidationError(_("The number of parent sessions must be from %(min)s to %(max)s.") % {
            "min": PARENT_SESSIONS_RANGE[0], "max": PARENT_SESSIONS_RANGE[1]}, code="parent_sessions"))
    if outside("minutes", MINUTES_RANGE):
        errors.append(ValidationError(_("The minutes per session must be from %(min)s to %(max)s.") % {
            "min": MINUTES_RANGE[0], "max": MINUTES_RANGE[1]}, code="minutes"))
    if outside("max_children", CHILDREN_RANGE):
        errors.append(ValidationError(_("The maximum number of children must be from %(min)s to %(max)s.") % {
            "min": CHILDREN_RANGE[0], "max": CHILDREN_RANGE[1]}, code="max_children"))
    if topics:
        sessions = numbers["sessions"]
        if sessions is not None and len(topics) != sessions:
            errors.append(ValidationError(
                _("Fill in one topic per child session (%(count)s), or none at all; you filled in %(given)s.") % {
                    "count": sessions, "given": len(topics)}, code="topics"))
        elif not all(topics):
            errors.append(ValidationError(_("A topic is empty: fill in one topic per line."), code="topics"))
        if any(len(t) > TOPIC_MAX for t in topics):
            errors.append(ValidationError(_("A topic can be at most %(max)s characters.") % {"max": TOPIC_MAX},
                                          code="topics"))
    registry = definitions.registry()
    for instrument_id in instruments:
        instrument = registry.get(instrument_id)
        if instrument is None or instrument.respondent not in INSTRUMENT_RESPONDENTS:
            errors.append(ValidationError(_("Unknown questionnaire for a course: %(id)s.") % {"id": instrument_id},
                                          code="instruments"))
        elif ages_ok and (instrument.min_age > numbers["max_age"]  # type: ignore[operator]
                          or (instrument.max_age is not None and instrument.max_age < numbers["min_age"])):
            errors.append(ValidationError(
                _("%(name)s is for ages %(min)s to %(max)s and does not fit the ages of the course.") % {
                    "name": instrument.label, "min": instrument.min_age,
                    "max": instrument.max_age if instrument.max_age is not None else "+"}, code="instruments"))
    if errors:
        raise ValidationError(errors)
    return {"name": name, **numbers, "focus_on_violence": bool(values.get("focus_on_violence")),
            "instruments": instruments, "topics": topics, "active": bool(values.get("active", True))}


def _check_name_free(organisation_id: int, name: str, exclude: int | None = None) -> None:
    if CourseTemplate.objects.filter(organisation_id=organisation_id, name__iexact=name).exclude(pk=exclude).exists():
        raise ValidationError(_("Your organisation already has a course with this name."), code="name")


def _derived_code(organisation_id: int, name: str) -> str:
    """A code from the name, unique among the shipped templates and the organisation's own (a shipped
    code is never taken: an own template with it would replace the shipped course in the lists)."""
    base = (slugify(name)[:CODE_MAX - 4].strip("-") or "cursus")
    taken = set(CourseTemplate.objects.filter(Q(organisation__isnull=True) | Q(organisation_id=organisation_id))
                .values_list("code", flat=True))
    code, number = base, 2
    while code in taken:
        code, number = f"{base}-{number}", number + 1
    return code


def do_create_course_template(*, values: dict[str, Any], actor: Any) -> CourseTemplate:
    """A new course template of the actor's own organisation (never shared with other organisations)."""
    from veerkracht.organisations.models import Organisation

    if not can_edit_templates(actor):
        raise PermissionDenied
    organisation_id = _membership(actor).organisation_id
    data = clean_template_values(values)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation_id).first()  # one code at a time
        _check_name_free(organisation_id, data["name"])
        template = CourseTemplate.objects.create(organisation_id=organisation_id,
                                                 code=_derived_code(organisation_id, data["name"]), **data)
        record(actor=actor, action=Action.CREATE, obj=template,
               changed_fields=[key for key in OWN_TEMPLATE_FIELDS if data[key] not in ("", [], None)],
               detail=f"own course template: {template.code}")
    return template


def do_update_course_template(template: CourseTemplate, *, values: dict[str, Any], expected_version: int,
                              actor: Any) -> CourseTemplate:
    """Change an own course template (a shipped one is never changed). Once groups use it, its number of
    child sessions stays; it can still be deactivated, so it is no longer offered for new groups."""
    if not can_edit_templates(actor) or template.organisation_id != _membership(actor).organisation_id:
        raise PermissionDenied
    data = clean_template_values(values)
    with transaction.atomic():
        current = CourseTemplate.objects.select_for_update().filter(pk=template.pk).first()
        if current is None or current.version != expected_version:
            raise ConcurrentEditError(current)
        _check_name_free(current.organisation_id, data["name"], exclude=current.pk)
        if data["sessions"] != current.sessions and current.groups.exists():
            raise ValidationError(
                _("Groups use this course, so its number of child sessions (%(count)s) can no longer change. "
                  "Make a new course instead; you can deactivate this one.") % {"count": current.sessions},
                code="sessions")
        changed = [key for key in OWN_TEMPLATE_FIELDS if getattr(current, key) != data[key]]
        for key in OWN_TEMPLATE_FIELDS:
            setattr(current, key, data[key])
        current.version += 1
        current.save(update_fields=[*OWN_TEMPLATE_FIELDS, "version", "updated_at"])
        record(actor=actor, action=Action.UPDATE, obj=current, changed_fields=changed or ["version"],
               detail=f"own course template: {current.code}")
    return current
