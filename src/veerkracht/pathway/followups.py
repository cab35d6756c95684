"""Follow-up work beside the step plan on "Mijn werk": plans due for review or evaluation,
referrals still open. The pathway knows no such records; each app registers a provider in its
AppConfig.ready()::

    from veerkracht.pathway.followups import register
    register(my_followups)     # my_followups(pathways, today) -> iterable of FollowUp

``pathways`` is a queryset of the worker's (or the team's) pathways of children in care, already
scoped; a provider reads with one query (or a fixed few), whatever the number of children, and
yields only what is due within a week, overdue, or still open.

The gedragswetenschapper gets the organisation's pathways but sees only the kinds that wait for her
(adoptions, screening signals): a provider names them with ``register(provider, scientist_kinds=...)``.

Work that goes on after the child has left the shelter (a group course's T2 measurement, ADR 0013) asks
for the pathways closed at discharge too: ``register(provider, include_discharged=True)`` gives that provider the user's open pathways and the
closed pathways of the children whose worker the user was (``discharged_pathways``), in one queryset.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Provider = Callable[[Any, datetime.date], Iterable["FollowUp"]]
_PROVIDERS: list[Provider] = []
_WITH_DISCHARGED: list[Provider] = []  # providers that also get the pathways closed at discharge
SCIENTIST_KINDS: set[str] = set()  # the kinds the gedragswetenschapper sees on her worklist


@dataclass(frozen=True)
class FollowUp:
    child: Any  # the Person (loaded by the provider's one query)
    kind: str  # a short machine key: "safety_review", "evaluation", "referral"
    title: str  # translated: what is to be done
    state: str  # "overdue", "due_this_week" or "open" (pathway.queries.URGENCY)
    due_date: datetime.date | None = None
    url: str = ""
    urgent: bool = False  # e.g. a screening answer about self-harm: above everything else


def register(provider: Provider, *, scientist_kinds: tuple[str, ...] = (), include_discharged: bool = False) -> None:
    """``include_discharged``: the provider also gets the closed pathways of discharged children whose worker
    the user was."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    if include_discharged and provider not in _WITH_DISCHARGED:
        _WITH_DISCHARGED.append(provider)
    elif not include_discharged and provider in _WITH_DISCHARGED:
        _WITH_DISCHARGED.remove(provider)
    SCIENTIST_KINDS.update(scientist_kinds)


def unregister(provider: Provider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)
    if provider in _WITH_DISCHARGED:
        _WITH_DISCHARGED.remove(provider)


def discharged_pathways(user: Any) -> Any:
    """The pathways closed at discharge whose follow-up work after the stay is the user's, scoped like
    ``queries.followup_pathways``: a worker's own children (as child worker or as the household's mentor),
    the team leader's and the gedragswetenschapper's whole organisation. No query until it is used."""
    from django.db.models import Q

    from veerkracht.accounts.roles import CLIENT_ROLES, Role

    from .models import Pathway
    from .queries import visible_pathways

    membership = getattr(user, "membership_or_none", None)
    if membership is None or membership.role not in CLIENT_ROLES:
        return Pathway.objects.none()
    qs = visible_pathways(user).filter(closed_on__isnull=False)
    if membership.role not in (Role.TEAMLEIDER, Role.GEDRAGSWETENSCHAPPER):
        qs = qs.filter(Q(stay__person__child_worker=user) | Q(stay__person__household__mentor=user))
    return qs


def _with_discharged(pathways: Any, discharged: Any) -> Any:
    from django.db.models import Q

    from .models import Pathway

    return Pathway.objects.filter(Q(pk__in=pathways.values("pk")) | Q(pk__in=discharged.values("pk")))


def followups(pathways: Any, today: datetime.date, *, kinds: set[str] | None = None,
              discharged: Any = None) -> list[FollowUp]:
    """Every provider's items (only ``kinds`` when given), most urgent first (urgent items, then
    overdue, due this week, open; then by date). ``discharged`` (``discharged_pathways(user)``) is added to
    ``pathways`` for the providers registered with ``include_discharged``."""
    from .queries import URGENCY

    items: list[FollowUp] = []
    both = _with_discharged(pathways, discharged) if discharged is not None else pathways
    for provider in _PROVIDERS:
        given = both if provider in _WITH_DISCHARGED else pathways
        items.extend(item for item in provider(given, today) if kinds is None or item.kind in kinds)
    far = datetime.date.max
    return sorted(items, key=lambda f: (not f.urgent, URGENCY.index(f.state), f.due_date or far, f.child.last_name,
                                        f.kind))


def state_for(due_date: datetime.date | None, today: datetime.date) -> str:
    """overdue / due_this_week / open for a follow-up due on ``due_date``."""
    from .queries import DUE_THIS_WEEK, OPEN, OVERDUE, WEEK

    if due_date is None:
        return OPEN
    if due_date < today:
        return OVERDUE
    if due_date <= today + WEEK:
        return DUE_THIS_WEEK
    return OPEN
