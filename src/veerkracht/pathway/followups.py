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
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Provider = Callable[[Any, datetime.date], Iterable["FollowUp"]]
_PROVIDERS: list[Provider] = []
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


def register(provider: Provider, *, scientist_kinds: tuple[str, ...] = ()) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    SCIENTIST_KINDS.update(scientist_kinds)


def unregister(provider: Provider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def followups(pathways: Any, today: datetime.date, *, kinds: set[str] | None = None) -> list[FollowUp]:
    """Every provider's items (only ``kinds`` when given), most urgent first (urgent items, then
    overdue, due this week, open; then by date)."""
    from .queries import URGENCY

    items: list[FollowUp] = []
    for provider in _PROVIDERS:
        items.extend(item for item in provider(pathways, today) if kinds is None or item.kind in kinds)
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
