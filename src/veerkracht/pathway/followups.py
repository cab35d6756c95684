"""Follow-up work beside the step plan on "Mijn werk": plans due for review or evaluation,
referrals still open. The pathway knows no such records; each app registers a provider in its
AppConfig.ready()::

    from veerkracht.pathway.followups import register
    register(my_followups)     # my_followups(pathways, today) -> iterable of FollowUp

``pathways`` is a queryset of the worker's (or the team's) pathways of children in care, already
scoped; a provider reads with one query (or a fixed few), whatever the number of children, and
yields only what is due within a week, overdue, or still open.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Provider = Callable[[Any, datetime.date], Iterable["FollowUp"]]
_PROVIDERS: list[Provider] = []


@dataclass(frozen=True)
class FollowUp:
    child: Any  # the Person (loaded by the provider's one query)
    kind: str  # a short machine key: "safety_review", "evaluation", "referral"
    title: str  # translated: what is to be done
    state: str  # "overdue", "due_this_week" or "open" (pathway.queries.URGENCY)
    due_date: datetime.date | None = None
    url: str = ""


def register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def unregister(provider: Provider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def followups(pathways: Any, today: datetime.date) -> list[FollowUp]:
    """Every provider's items, most urgent first (overdue, due this week, open; then by date)."""
    from .queries import URGENCY

    items: list[FollowUp] = []
    for provider in _PROVIDERS:
        items.extend(provider(pathways, today))
    far = datetime.date.max
    return sorted(items, key=lambda f: (URGENCY.index(f.state), f.due_date or far, f.child.last_name, f.kind))


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
