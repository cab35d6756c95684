"""Reading pathways: always through clients.queries scoping (an out-of-scope child is 404)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from veerkracht.accounts.roles import CLIENT_ROLES, Role
from veerkracht.clients.queries import visible_persons

from .models import ActivityStatus, Pathway, PathwayActivity

DONE = "done"
NOT_APPLICABLE = "not_applicable"
NOT_DONE = "not_done"
OVERDUE = "overdue"
DUE_THIS_WEEK = "due_this_week"
OPEN = "open"
URGENCY = (OVERDUE, DUE_THIS_WEEK, OPEN)
WEEK = datetime.timedelta(days=6)


def due_state(activity: PathwayActivity, today: datetime.date | None = None) -> str:
    """done / not_applicable / overdue / due_this_week (today up to 6 days ahead) / open."""
    today = today or timezone.localdate()
    if activity.status == ActivityStatus.DONE:
        return DONE
    if activity.status == ActivityStatus.NOT_APPLICABLE:
        return NOT_APPLICABLE
    if activity.status == ActivityStatus.NOT_DONE:
        return NOT_DONE
    if activity.due_date < today:
        return OVERDUE
    if activity.due_date <= today + WEEK:
        return DUE_THIS_WEEK
    return OPEN


def _activities() -> QuerySet[PathwayActivity]:
    return PathwayActivity.objects.select_related("definition", "assigned_to")


def step_plan(stay: Any, today: datetime.date | None = None) -> list[PathwayActivity]:
    """The activities of a stay's pathway in order (one query), each with ``state`` set.

    The stay must come from a scoped query (the dossier's)."""
    if stay is None:
        return []
    today = today or timezone.localdate()
    from .records import record_links

    activities = list(
        _activities().select_related("pathway__methodology").filter(pathway__stay=stay).order_by("definition__order")
    )
    for activity in activities:
        activity.state = due_state(activity, today)  # type: ignore[attr-defined]
        activity.record_links = record_links(activity)  # type: ignore[attr-defined]
    return activities


def visible_activities(user: Any) -> QuerySet[PathwayActivity]:
    return PathwayActivity.objects.filter(pathway__stay__person__in=visible_persons(user))


def get_activity(user: Any, pk: Any) -> PathwayActivity:
    return get_object_or_404(
        visible_activities(user).select_related(
            "definition", "assigned_to", "pathway__methodology", "pathway__stay__person", "pathway__stay__location"
        ).defer("pathway__stay__location__address"),
        pk=pk,
    )


def visible_pathways(user: Any) -> QuerySet[Pathway]:
    return Pathway.objects.filter(stay__person__in=visible_persons(user))


def get_pathway(user: Any, pk: Any) -> Pathway:
    """A pathway of a child the user may see (else 404), with its child, stay and methodology.

    The location's secret address is never loaded."""
    return get_object_or_404(
        visible_pathways(user).select_related(
            "methodology", "stay__person__household", "stay__location"
        ).defer("stay__location__address"),
        pk=pk,
    )


@dataclass
class WorkerCounts:
    worker: Any
    overdue: int = 0
    due_this_week: int = 0
    open: int = 0

    @property
    def total(self) -> int:
        return self.overdue + self.due_this_week + self.open


@dataclass
class Worklist:
    sections: dict[str, list[PathwayActivity]] = field(default_factory=lambda: {k: [] for k in URGENCY})
    per_worker: list[WorkerCounts] = field(default_factory=list)
    team_view: bool = False

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.sections.values())


def _work(user: Any, today: datetime.date) -> tuple[QuerySet[PathwayActivity], bool]:
    """Open work of children in care: overdue or due this week (whatever the status), or not started."""
    membership = getattr(user, "membership_or_none", None)
    qs = visible_activities(user).filter(
        pathway__stay__discharge_date__isnull=True,
        status__in=[ActivityStatus.OPEN, ActivityStatus.IN_PROGRESS],
    ).filter(Q(status=ActivityStatus.OPEN) | Q(due_date__lte=today + WEEK))
    team_view = membership is not None and membership.role == Role.TEAMLEIDER
    if membership is None or membership.role not in CLIENT_ROLES:
        return qs.none(), False
    if not team_view:
        qs = qs.filter(
            Q(pathway__stay__person__child_worker=user)
            | Q(assigned_to=user)
            | Q(pathway__stay__person__household__mentor=user)
        )
    return qs, team_view


def worklist(user: Any, today: datetime.date | None = None) -> Worklist:
    """'Mijn werk' in a fixed number of queries, whatever the number of children."""
    today = today or timezone.localdate()
    qs, team_view = _work(user, today)
    rows = list(
        qs.select_related("definition", "assigned_to", "pathway__stay__person", "pathway__stay__person__child_worker")
        .defer("reason")
        .order_by("due_date", "pathway__stay__person__last_name", "definition__order", "pk")
    )
    result = Worklist(team_view=team_view)
    counts: dict[Any, WorkerCounts] = {}
    for activity in rows:
        activity.state = due_state(activity, today)  # type: ignore[attr-defined]
        activity.child = activity.pathway.stay.person  # type: ignore[attr-defined]
        result.sections[activity.state].append(activity)  # type: ignore[attr-defined]
        if team_view:
            worker = activity.assigned_to or activity.child.child_worker  # type: ignore[attr-defined]
            key = worker.pk if worker else None
            entry = counts.setdefault(key, WorkerCounts(worker=worker))
            setattr(entry, activity.state, getattr(entry, activity.state) + 1)  # type: ignore[attr-defined]
    result.per_worker = sorted(
        counts.values(), key=lambda c: (c.worker is None, -c.overdue, -c.due_this_week, str(c.worker or ""))
    )
    return result


def followup_pathways(user: Any) -> QuerySet[Pathway]:
    """The open pathways of children in care whose follow-up work is the user's: the team leader's
    and the gedragswetenschapper's whole organisation (she sees only the kinds that wait for her:
    ``followup_kinds``), a worker's own children (as child worker or as the household's mentor)."""
    membership = getattr(user, "membership_or_none", None)
    if membership is None or membership.role not in CLIENT_ROLES:
        return Pathway.objects.none()
    qs = visible_pathways(user).filter(stay__discharge_date__isnull=True, closed_on__isnull=True)
    if membership.role not in (Role.TEAMLEIDER, Role.GEDRAGSWETENSCHAPPER):
        qs = qs.filter(Q(stay__person__child_worker=user) | Q(stay__person__household__mentor=user))
    return qs


def followup_kinds(user: Any) -> set[str] | None:
    """The follow-up kinds shown to the user: for the gedragswetenschapper those that wait for her,
    for everyone else all (None)."""
    from .followups import SCIENTIST_KINDS

    membership = getattr(user, "membership_or_none", None)
    if membership is not None and membership.role == Role.GEDRAGSWETENSCHAPPER:
        return set(SCIENTIST_KINDS)
    return None


def work_counts(user: Any, today: datetime.date | None = None) -> dict[str, int]:
    """Counts for the start page (one query)."""
    today = today or timezone.localdate()
    qs, _team = _work(user, today)
    counts = qs.aggregate(
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        due_this_week=Count("pk", filter=Q(due_date__gte=today, due_date__lte=today + WEEK)),
        open=Count("pk", filter=Q(due_date__gt=today + WEEK)),
    )
    return {key: counts[key] or 0 for key in URGENCY}
