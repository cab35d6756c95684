"""The only way to change pathways: atomic functions with a keyword-only ``actor`` that
write their audit event in the same transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.accounts.roles import REGISTERING_ROLES, Role
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients.models import PersonKind, Stay
from veerkracht.core.concurrency import save_with_version

from .models import (
    ADMISSION,
    ActivityStatus,
    DeadlineOverride,
    Methodology,
    OrganisationMethodology,
    Pathway,
    PathwayActivity,
)

EDITING_ROLES = frozenset(REGISTERING_ROLES | {Role.GEDRAGSWETENSCHAPPER})


def can_edit(actor: Any, person: Any) -> bool:
    """May this user change the pathway records of this person (own organisation, editing role)?"""
    membership = getattr(actor, "membership_or_none", None)
    return bool(
        membership is not None and membership.role in EDITING_ROLES
        and membership.organisation_id == person.organisation_id
    )


def check_can_edit(actor: Any, person: Any) -> None:
    """Services call this first: PermissionDenied unless ``can_edit``."""
    if not can_edit(actor, person):
        raise PermissionDenied


def check_pathway_open(pathway: Any) -> None:
    """Record services call this before a write: a pathway closed at discharge is history."""
    if pathway.closed_on is not None:
        raise ValidationError(_("This pathway was closed at discharge and can no longer be changed."), code="closed")


def methodology_for(organisation_id: int) -> Methodology | None:
    """The organisation's chosen methodology version, else the project default."""
    setting = OrganisationMethodology.objects.filter(organisation_id=organisation_id).select_related("methodology").first()
    if setting is not None:
        return setting.methodology
    return Methodology.objects.filter(is_default=True).first()


def _due_dates(activities: list[PathwayActivity], admission_date: datetime.date) -> dict[int, datetime.date]:
    """Due date per definition id: admission + days, or the predecessor's completion date (when
    done) or due date (until then) + days."""
    by_code = {a.definition.code: a for a in activities}
    result: dict[int, datetime.date] = {}

    def due(activity: PathwayActivity) -> datetime.date:
        if activity.definition_id in result:
            return result[activity.definition_id]
        after = activity.definition.deadline_after
        if after == ADMISSION or after not in by_code:
            base = admission_date
        else:
            predecessor = by_code[after]
            if predecessor.status == ActivityStatus.DONE and predecessor.completed_on:
                base = predecessor.completed_on
            else:
                base = due(predecessor)
        result[activity.definition_id] = base + datetime.timedelta(days=activity.deadline_days)
        return result[activity.definition_id]

    for activity in activities:
        due(activity)
    return result


def create_pathway_for_stay(stay: Stay, *, actor: Any) -> Pathway | None:
    """Create the child's pathway with the organisation's methodology (frozen from now on).

    Returns None when no methodology has been loaded (``veerkracht load_methodologies``)."""
    person = stay.person
    if person.kind != PersonKind.CHILD:
        return None
    methodology = methodology_for(person.organisation_id)
    if methodology is None:
        return None
    with transaction.atomic():
        pathway = Pathway.objects.create(stay=stay, methodology=methodology)
        definitions = list(methodology.activities.order_by("order"))
        overrides = dict(
            DeadlineOverride.objects.filter(
                organisation_id=person.organisation_id, activity_definition__in=definitions
            ).values_list("activity_definition_id", "days")
        )
        activities = [
            PathwayActivity(
                pathway=pathway, definition=d, deadline_days=overrides.get(d.pk, d.deadline_days),
                due_date=stay.admission_date,
            )
            for d in definitions
        ]
        dates = _due_dates(activities, stay.admission_date)
        for activity in activities:
            activity.due_date = dates[activity.definition_id]
        PathwayActivity.objects.bulk_create(activities)
        record(actor=actor, action=Action.CREATE, obj=pathway, client=person,
               detail=f"methodology {methodology.code} {methodology.version}")
    return pathway


def on_child_stay_created(sender: Any, *, stay: Stay, actor: Any, **kwargs: Any) -> None:
    create_pathway_for_stay(stay, actor=actor)


def recompute_due_dates(pathway: Pathway) -> list[PathwayActivity]:
    """Recompute the dependent due dates of a pathway; returns the activities that changed."""
    activities = list(pathway.activities.select_related("definition", "pathway__stay"))
    dates = _due_dates(activities, pathway.stay.admission_date)
    changed = []
    for activity in activities:
        if activity.definition.deadline_after != ADMISSION and activity.due_date != dates[activity.definition_id]:
            activity.due_date = dates[activity.definition_id]
            PathwayActivity.objects.filter(pk=activity.pk).update(due_date=activity.due_date)
            changed.append(activity)
    return changed


def do_update_activity(
    activity: PathwayActivity,
    *,
    status: str,
    reason: str = "",
    completed_on: datetime.date | None = None,
    assigned_to: Any = None,
    expected_version: int,
    actor: Any,
) -> list[str]:
    """Change an activity's status, reason, completion date and worker; refused when someone
    else saved in between. Dependent deadlines follow."""
    person = activity.pathway.stay.person
    check_can_edit(actor, person)
    if status not in ActivityStatus.values or status == ActivityStatus.NOT_DONE:
        raise ValidationError(_("Choose a valid status."), code="status")
    check_pathway_open(activity.pathway)
    reason = (reason or "").strip()
    errors = []
    if status == ActivityStatus.NOT_APPLICABLE and not reason:
        errors.append(ValidationError(_("Give the reason why this activity does not apply."), code="reason"))
    if status == ActivityStatus.DONE:
        completed_on = completed_on or timezone.localdate()
        if completed_on > timezone.localdate():
            errors.append(ValidationError(_("The completion date cannot lie in the future."), code="future"))
        elif completed_on < activity.pathway.stay.admission_date:
            errors.append(ValidationError(_("The completion date lies before the admission date."), code="before"))
    else:
        completed_on = None
    if assigned_to is not None:
        worker_membership = getattr(assigned_to, "membership_or_none", None)
        if worker_membership is None or worker_membership.organisation_id != person.organisation_id:
            errors.append(ValidationError(_("Choose a worker of your own organisation."), code="worker"))
    if errors:
        raise ValidationError(errors)
    values = {"status": status, "reason": reason, "completed_on": completed_on, "assigned_to_id": getattr(assigned_to, "pk", None)}
    changed = [name.removesuffix("_id") for name, value in values.items() if getattr(activity, name) != value]
    with transaction.atomic():
        for name, value in values.items():
            setattr(activity, name, value)
        save_with_version(activity, expected_version, list(values))
        record(actor=actor, action=Action.UPDATE, obj=activity, client=person, changed_fields=changed,
               detail=f"{activity.definition.code}: {status}")
        if {"status", "completed_on"} & set(changed):
            recompute_due_dates(activity.pathway)
    return changed


@dataclass(frozen=True)
class Outcome:
    """What became of one open activity at discharge."""

    status: str  # done, not_applicable or not_done
    reason: str = ""
    completed_on: datetime.date | None = None
    version: int | None = None  # the activity's version the worker saw (None: as loaded now)


DISCHARGE_OUTCOMES = (ActivityStatus.DONE, ActivityStatus.NOT_APPLICABLE, ActivityStatus.NOT_DONE)


def _summary(pathway: Pathway, activities: list[PathwayActivity], stay: Stay) -> dict[str, Any]:
    rows = []
    for a in activities:
        rows.append({
            "code": a.definition.code,
            "order": a.definition.order,
            "status": a.status,
            "due_date": a.due_date.isoformat(),
            "completed_on": a.completed_on.isoformat() if a.completed_on else None,
            "on_time": bool(a.completed_on and a.completed_on <= a.due_date),
        })
    counts = {status: sum(1 for r in rows if r["status"] == status) for status in DISCHARGE_OUTCOMES}
    return {
        "methodology": f"{pathway.methodology.code} {pathway.methodology.version}",
        "admission_date": stay.admission_date.isoformat(),
        "discharge_date": stay.discharge_date.isoformat() if stay.discharge_date else None,
        "days": (stay.discharge_date - stay.admission_date).days if stay.discharge_date else None,
        "destination": stay.destination,
        "activities": rows,
        "done": counts[ActivityStatus.DONE],
        "not_applicable": counts[ActivityStatus.NOT_APPLICABLE],
        "not_done": counts[ActivityStatus.NOT_DONE],
        "on_time": sum(1 for r in rows if r["on_time"]),
        "total": len(rows),
    }


def do_discharge_child(
    stay: Stay,
    *,
    discharge_date: datetime.date,
    destination: str,
    outcomes: dict[int, Outcome],
    expected_version: int,
    actor: Any,
) -> Pathway:
    """End a child's stay: every open activity gets an outcome (done, not applicable or not done, with
    the reason), the stay its discharge date and destination, the pathway its summary. All or nothing."""
    from veerkracht.clients.services import do_discharge

    pathway = stay.pathway
    check_can_edit(actor, stay.person)
    if actor.membership_or_none.role not in REGISTERING_ROLES:  # stays are changed by the registering roles
        raise PermissionDenied
    activities = list(pathway.activities.select_related("definition").order_by("definition__order"))
    errors = []
    for activity in activities:
        if activity.is_closed:
            continue
        outcome = outcomes.get(activity.pk)
        name = activity.definition.name
        if outcome is None or outcome.status not in DISCHARGE_OUTCOMES:
            errors.append(ValidationError(_("Choose an outcome for \"%(activity)s\".") % {"activity": name}, code="outcome"))
            continue
        if outcome.status != ActivityStatus.DONE and not outcome.reason.strip():
            errors.append(ValidationError(
                _("Give the reason for \"%(activity)s\".") % {"activity": name}, code="reason"))
        if outcome.status == ActivityStatus.DONE:
            date = outcome.completed_on or discharge_date
            if date > discharge_date or date < stay.admission_date:
                errors.append(ValidationError(
                    _("The completion date of \"%(activity)s\" must lie between admission and discharge.")
                    % {"activity": name}, code="completed_on"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        do_discharge(stay, discharge_date=discharge_date, destination=destination,
                     expected_version=expected_version, actor=actor)
        for activity in activities:
            if activity.is_closed:
                continue
            outcome = outcomes[activity.pk]
            activity.status = outcome.status
            activity.reason = outcome.reason.strip()
            activity.completed_on = (outcome.completed_on or discharge_date) if outcome.status == ActivityStatus.DONE else None
            expected = outcome.version if outcome.version is not None else activity.version
            save_with_version(activity, expected, ["status", "reason", "completed_on"])
            record(actor=actor, action=Action.UPDATE, obj=activity, client=stay.person,
                   changed_fields=["status", "reason", "completed_on"],
                   detail=f"{activity.definition.code}: {activity.status} at discharge")
        pathway.closed_on = discharge_date
        pathway.summary = _summary(pathway, activities, stay)
        pathway.save(update_fields=["closed_on", "summary"])
        record(actor=actor, action=Action.UPDATE, obj=pathway, client=stay.person,
               changed_fields=["closed_on", "summary"], detail="pathway closed at discharge")
    return pathway


def log_activity_read(activity: PathwayActivity, *, actor: Any) -> None:
    person = activity.pathway.stay.person
    record(actor=actor, action=Action.READ, obj=activity, client=person, detail="pathway activity")


def log_timeline_read(person: Any, *, actor: Any) -> None:
    record(actor=actor, action=Action.READ, obj=person, client=person, detail="timeline")


def log_worklist_read(*, actor: Any, count: int) -> None:
    """The worklist shows several children at once: one read event for the list."""
    record(actor=actor, action=Action.READ, object_type="pathway.worklist", detail=f"worklist rows={count}")
