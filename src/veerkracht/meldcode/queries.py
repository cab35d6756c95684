"""Reading Meldcode tracks: always through clients.queries scoping (an out-of-scope child is 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from veerkracht.clients.queries import visible_persons

from .models import MeldcodeStep, MeldcodeTrack


def visible_tracks(user: Any) -> QuerySet[MeldcodeTrack]:
    return MeldcodeTrack.objects.filter(person__in=visible_persons(user))


def open_tracks_count(user: Any) -> int:
    """Open Meldcode tracks of the children the user may see (one query), e.g. for the worklist."""
    return visible_tracks(user).filter(closed_on__isnull=True).count()


def tracks_of(person: Any) -> list[MeldcodeTrack]:
    """A child's tracks, newest first, with their steps and the people who took them (two queries).

    The person must come from a scoped query."""
    steps = MeldcodeStep.objects.select_related("taken_by").order_by("number")
    return list(
        MeldcodeTrack.objects.filter(person=person)
        .select_related("started_by")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("-started_on", "-pk")
    )


def open_track(tracks: list[MeldcodeTrack]) -> MeldcodeTrack | None:
    return next((t for t in tracks if t.is_open), None)
