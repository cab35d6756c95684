"""Open screening signals on "Mijn werk" (a follow-up provider, registered in ScreeningConfig.ready()
as a kind the gedragswetenschapper sees).

A result in a clinical band waits for the gedragswetenschapper's decision. The clock starts on the
day the questionnaire was filled in: a child above the cut-off is discussed within a week. An open
signal is therefore always at least "due this week" (it never waits quietly among the open work)
and becomes "overdue" once it has been open for more than DECIDE_WITHIN_DAYS days.

A signal for a critical answer (PHQ-9 item 9 answered above 'not at all', whatever the total) is
urgent: it is to be decided on the day the questionnaire was filled in, its title says it is urgent
and it is "overdue" from the first day, so it stands among the first items of "Mijn werk"."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext, ngettext

from veerkracht.pathway.followups import FollowUp
from veerkracht.pathway.queries import DUE_THIS_WEEK, OVERDUE

from .models import Signal
from .queries import known_instrument, open_signals, registry

KIND = "screening_signal"
DECIDE_WITHIN_DAYS = 7


def decide_by(signal: Signal) -> datetime.date:
    """The last day for the decision (an urgent signal: the day it was raised)."""
    if signal.urgent:
        return signal.opened_on
    return signal.opened_on + datetime.timedelta(days=DECIDE_WITHIN_DAYS)


def _numbers(inst: Any, link_ids: list[str]) -> str:
    numbers = []
    for link_id in link_ids:
        item = inst.item(link_id) if inst is not None else None
        if inst is None or item is None:
            numbers.append(link_id)
            continue
        group = next((g for g in inst.groups if g.code == item.group), None)
        numbers.append(f"{group.label} {item.number}" if group is not None else str(item.number))
    return ", ".join(numbers)


def title(signal: Signal, instruments: dict[str, Any] | None = None) -> str:
    administration = signal.administration
    inst = (instruments.get(administration.instrument_id) if instruments is not None
            else known_instrument(administration.instrument_id))
    name = inst.label if inst is not None else administration.instrument_id
    critical = list(administration.critical_items or [])
    if critical:
        facts = {"instrument": name, "items": _numbers(inst, critical)}
        if administration.subject_id != administration.pathway.stay.person_id:
            return ngettext(
                "Urgent: item %(items)s of the parent's screening (%(instrument)s) needs attention: decide on the "
                "follow-up today",
                "Urgent: items %(items)s of the parent's screening (%(instrument)s) need attention: decide on the "
                "follow-up today", len(critical)) % facts
        return ngettext(
            "Urgent: item %(items)s of the screening (%(instrument)s) needs attention: decide on the follow-up today",
            "Urgent: items %(items)s of the screening (%(instrument)s) need attention: decide on the follow-up today",
            len(critical)) % facts
    if administration.subject_id != administration.pathway.stay.person_id:
        return gettext("Screening of the parent above the cut-off (%(instrument)s): decide on the follow-up") % {
            "instrument": name}
    return gettext("Screening above the cut-off (%(instrument)s): decide on the follow-up") % {"instrument": name}


def signals_due(pathways: Any, today: datetime.date) -> Iterator[FollowUp]:
    """One item per open signal of these pathways (one query)."""
    instruments = registry()  # once, not per signal
    for signal in open_signals(pathways):
        due = decide_by(signal)
        yield FollowUp(
            child=signal.administration.pathway.stay.person, kind=KIND, title=title(signal, instruments),
            state=OVERDUE if signal.urgent or today > due else DUE_THIS_WEEK, due_date=due, urgent=signal.urgent,
            url=reverse("screening:signal", kwargs={"pk": signal.pk}),
        )
