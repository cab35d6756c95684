"""Timeline entries of screenings about the person: each administration (instrument and whether it
lies above the cut-off or is invalid) and each signal decided (two queries; no answers, no notes, no reasons)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from veerkracht.pathway.timeline import Entry

from .models import Administration, Decision, Signal, SignalStatus
from .queries import registry


def entries(person: Any) -> list[Entry]:
    instruments = registry()

    def _name(instrument_id: str) -> str:
        inst = instruments.get(instrument_id)
        return inst.label if inst is not None else instrument_id

    result = []
    rows = Administration.objects.filter(subject=person).values(
        "pk", "instrument_id", "administered_on", "valid", "clinical").order_by("administered_on", "pk")
    for row in rows:
        if not row["valid"]:
            detail = gettext("invalid: not scored")
        elif row["clinical"]:
            detail = gettext("above the cut-off")
        else:
            detail = ""
        result.append(Entry(date=row["administered_on"], kind="screening",
                            title=gettext("Screening: %(instrument)s") % {"instrument": _name(row["instrument_id"])},
                            detail=detail, url=reverse("screening:result", kwargs={"pk": row["pk"]})))
    labels = dict(Decision.choices)
    signals = Signal.objects.filter(administration__subject=person, status=SignalStatus.DECIDED).values(
        "pk", "decided_on", "decision", "administration__instrument_id").order_by("decided_on", "pk")
    for row in signals:
        result.append(Entry(
            date=row["decided_on"], kind="screening_signal",
            title=gettext("Screening signal decided (%(instrument)s)") % {
                "instrument": _name(row["administration__instrument_id"])},
            detail=str(labels.get(row["decision"], row["decision"])),
            url=reverse("screening:signal", kwargs={"pk": row["pk"]}),
        ))
    return result
