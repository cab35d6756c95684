"""A child's timeline: everything that happened for the child, newest first.

Each app registers a provider in its AppConfig.ready()::

    from veerkracht.pathway.timeline import register
    register(my_entries)           # my_entries(person) -> iterable of Entry

A provider reads with a bounded number of queries (one or two), whatever the number of records.
The person comes from a scoped query; providers add no scoping of their own.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Provider = Callable[[Any], Iterable["Entry"]]
_PROVIDERS: list[Provider] = []


@dataclass(frozen=True)
class Entry:
    date: datetime.date
    kind: str  # a short machine key, e.g. "stay", "activity", "intake", "meldcode"
    title: str  # translated, shown as the entry's heading
    detail: str = ""  # translated, one line; never a location's name or address
    url: str = ""


def register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def timeline(person: Any) -> list[Entry]:
    entries: list[Entry] = []
    for provider in _PROVIDERS:
        entries.extend(provider(person))
    return sorted(entries, key=lambda e: (e.date, e.kind), reverse=True)


def providers() -> list[Provider]:
    return list(_PROVIDERS)


# --- the pathway's own entries: stays, transfers, discharge, activities -----------------------------
def stay_entries(person: Any) -> list[Entry]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from veerkracht.clients.models import Stay, Transfer

    entries = []
    stays = list(Stay.objects.filter(person=person).only("pk", "admission_date", "discharge_date", "destination",
                                                          "care_type", "person_id"))
    dossier = reverse("clients:dossier", kwargs={"pk": person.pk})
    for stay in stays:
        entries.append(Entry(stay.admission_date, "stay", _("Admitted"), stay.get_care_type_display(), dossier))
        if stay.discharge_date:
            entries.append(Entry(stay.discharge_date, "stay", _("Discharged"),
                                 _("Destination: %(destination)s") % {"destination": stay.get_destination_display()}
                                 if stay.destination else "", dossier))
    for transfer in Transfer.objects.filter(stay__person=person).only("date", "stay_id"):
        entries.append(Entry(transfer.date, "stay", _("Transferred to another location"), "", dossier))
    return entries


def activity_entries(person: Any) -> list[Entry]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from .models import ActivityStatus, PathwayActivity

    entries = []
    rows = (
        PathwayActivity.objects.filter(pathway__stay__person=person)
        .exclude(status__in=[ActivityStatus.OPEN, ActivityStatus.IN_PROGRESS])
        .select_related("definition").defer("reason")
    )
    for activity in rows:
        url = reverse("pathway:activity_edit", kwargs={"pk": activity.pk})
        if activity.status == ActivityStatus.DONE and activity.completed_on:
            entries.append(Entry(activity.completed_on, "activity",
                                 _("%(activity)s done") % {"activity": activity.definition.name}, "", url))
        else:
            label = activity.get_status_display()
            entries.append(Entry(activity.updated_at.date(), "activity",
                                 f"{activity.definition.name}: {label}", "", url))
    return entries
