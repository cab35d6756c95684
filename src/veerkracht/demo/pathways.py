"""Demo pathways in realistic states: what a newcomer should see at once.

Children in care for a while have most early activities done (some late), some are in progress,
some are overdue or due this week; discharged children have a closed step plan with an outcome per
activity and a pathway summary. The record apps (intake, fathers, family, network, meldcode, consent)
add their own demo records first; this module then moves the remaining activities. Everything goes
through the services, so the access log is real.
"""

from __future__ import annotations

import datetime
import importlib
import random
from typing import Any

from django.utils import timezone

from veerkracht.clients.models import PersonKind, Stay
from veerkracht.pathway import services as pathway_services
from veerkracht.pathway.models import ActivityStatus, Pathway, PathwayActivity

DAY = datetime.timedelta(days=1)
# The record apps with a demo module: seed(pathways, *, actor, today, rng) -> dict of counts.
RECORD_APPS = ["intake", "fathers", "family", "network", "safety", "plans", "referrals", "screening", "meldcode", "consent",
               "courses"]  # courses last: enrolment needs complete consent
NOT_APPLICABLE_REASONS = {
    "father_contact": "Vader onbekend; moeder heeft geen gegevens.",
    "parent_support": "Moeder krijgt opvoedondersteuning via het wijkteam.",
}
NOT_DONE_REASONS = [
    "Verblijf eerder beëindigd dan gepland.",
    "Gezin is vertrokken naar een opvang in een andere regio.",
    "Moeder wilde dit niet voor het vertrek.",
]


def _rng(seed: int, key: Any) -> random.Random:
    return random.Random(f"{seed}-{key}")


def close_discharged_pathway(stay: Stay, *, discharge_date: datetime.date, destination: str, actor: Any,
                             seed: int) -> None:
    """Discharge a demo child with a realistic outcome per activity (most done, some not)."""
    rng = _rng(seed, f"discharge-{stay.pk}")
    outcomes = {}
    span = max(1, (discharge_date - stay.admission_date).days)
    for activity in PathwayActivity.objects.filter(pathway__stay=stay).select_related("definition"):
        if activity.is_closed:
            continue
        code = activity.definition.code
        roll = rng.random()
        if code in NOT_APPLICABLE_REASONS and roll < 0.12:
            outcomes[activity.pk] = pathway_services.Outcome(ActivityStatus.NOT_APPLICABLE, NOT_APPLICABLE_REASONS[code])
        elif roll < 0.78:
            late = rng.random() < 0.25
            offset = activity.deadline_days + (rng.randint(1, 20) if late else -rng.randint(0, activity.deadline_days // 2))
            done = stay.admission_date + min(span, max(1, offset)) * DAY
            outcomes[activity.pk] = pathway_services.Outcome(ActivityStatus.DONE, completed_on=min(done, discharge_date))
        else:
            outcomes[activity.pk] = pathway_services.Outcome(ActivityStatus.NOT_DONE, rng.choice(NOT_DONE_REASONS))
    pathway_services.do_discharge_child(
        stay, discharge_date=discharge_date, destination=destination, outcomes=outcomes,
        expected_version=stay.version, actor=actor,
    )


def seed_records(pathways: list[Pathway], *, actor: Any, today: datetime.date, seed: int) -> dict[str, Any]:
    """Let every record app add its demo records for these (open) pathways."""
    counts: dict[str, Any] = {}
    for app in RECORD_APPS:
        try:
            module = importlib.import_module(f"veerkracht.{app}.demo")
        except ModuleNotFoundError:
            continue
        counts[app] = module.seed(pathways, actor=actor, today=today, rng=_rng(seed, app))
    return counts


def advance(pathways: list[Pathway], *, actor: Any, today: datetime.date, seed: int) -> dict[str, int]:
    """Move the activities the record apps left open: early ones mostly done (some late), others in
    progress, the rest open - so there is always something overdue and something due this week."""
    moved = {ActivityStatus.DONE: 0, ActivityStatus.IN_PROGRESS: 0, ActivityStatus.NOT_APPLICABLE: 0}
    for pathway in pathways:
        rng = _rng(seed, f"advance-{pathway.pk}")
        has_father = pathway.stay.person.household.members.filter(kind=PersonKind.FATHER).exists()
        activities = list(pathway.activities.select_related("definition", "pathway__stay__person")
                          .order_by("definition__order"))
        for activity in activities:
            activity.refresh_from_db()
            if activity.is_closed:
                continue
            code = activity.definition.code
            if code == "father_contact" and not has_father and rng.random() < 0.6:
                target, completed, reason = ActivityStatus.NOT_APPLICABLE, None, NOT_APPLICABLE_REASONS[code]
            elif activity.due_date < today - 7 * DAY and rng.random() < 0.7:
                late = rng.random() < 0.3
                completed = activity.due_date + (rng.randint(1, 10) if late else -rng.randint(0, 4)) * DAY
                completed = max(pathway.stay.admission_date, min(completed, today))
                target, reason = ActivityStatus.DONE, ""
            elif activity.due_date <= today + 14 * DAY and rng.random() < 0.4:
                target, completed, reason = ActivityStatus.IN_PROGRESS, None, ""
            else:
                continue
            if target == activity.status:
                continue
            pathway_services.do_update_activity(
                activity, status=target, completed_on=completed, reason=reason,
                assigned_to=activity.assigned_to, expected_version=activity.version, actor=actor,
            )
            moved[target] += 1
    return {str(k): v for k, v in moved.items()}


def seed_pathways(organisation: Any, *, actor: Any, seed: int, today: datetime.date | None = None) -> dict[str, Any]:
    """Demo records and realistic states for the open pathways of one demo organisation."""
    today = today or timezone.localdate()
    pathways = list(
        Pathway.objects.filter(stay__person__organisation=organisation, stay__discharge_date__isnull=True,
                               closed_on__isnull=True)
        .select_related("methodology", "stay__person__household", "stay__location")
        .defer("stay__location__address")
        .order_by("pk")
    )
    counts = seed_records(pathways, actor=actor, today=today, seed=seed)
    counts["advanced"] = advance(pathways, actor=actor, today=today, seed=seed)
    # Last: the reminders of today follow from the states set above.
    from veerkracht.notifications import demo as notifications_demo

    counts["notifications"] = notifications_demo.seed(pathways, actor=actor, today=today,
                                                      rng=_rng(seed, "notifications"))
    return counts
