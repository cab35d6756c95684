"""Open screening signals on "Mijn werk" (a follow-up provider, registered in ScreeningConfig.ready()
as a kind the gedragswetenschapper sees).

A result in a clinical band waits for the gedragswetenschapper's decision. The clock starts on the
day the questionnaire was filled in: a child above the cut-off is discussed within a week. An open
signal is therefore always at least "due this week" (it never waits quietly among the open work)
and becomes "overdue" once it has been open for more than DECIDE_WITHIN_DAYS days."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from veerkracht.pathway.followups import FollowUp
from veerkracht.pathway.queries import DUE_THIS_WEEK, OVERDUE

from .models import Signal
from .queries import known_instrument, open_signals, registry

KIND = "screening_signal"
DECIDE_WITHIN_DAYS = 7


def decide_by(signal: Signal) -> datetime.date:
    """The last day for the decision."""
    return signal.opened_on + datetime.timedelta(days=DECIDE_WITHIN_DAYS)


def title(signal: Signal, instruments: dict[str, Any] | None = None) -> str:
    administration = signal.administration
    inst = (instruments.get(administration.instrument_id) if instruments is not None
            else known_instrument(administration.instrument_id))
    name = inst.label if inst is not None else administration.instrument_id
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
            state=OVERDUE if today > due else DUE_THIS_WEEK, due_date=due,
            url=reverse("screening:signal", kwargs={"pk": signal.pk}),
        )
