"""Demo data: one child with a Meldcode track at step 3 and one closed track with a report to
Veilig Thuis (synthetic text only), through the services so that every step is audited."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.contrib.auth import get_user_model

from veerkracht.accounts.roles import Role

from .models import MeldcodeTrack
from .services import DECIDING_ROLES, do_start_track, do_take_step

SIGNALS = ["Kind vertelt over klappen door vader en heeft blauwe plekken op de bovenarm.",
           "Kind schrikt hevig bij harde geluiden en vertelt dat 'papa mama pijn deed'.",
           "Moeder vertelt dat vader het kind heeft bedreigd via berichten."]


def _user(organisation_id: int, roles: Any, actor: Any) -> Any:
    membership = getattr(actor, "membership_or_none", None)
    if membership is not None and membership.organisation_id == organisation_id and membership.role in roles:
        return actor
    return get_user_model().objects.filter(
        is_active=True, membership__organisation_id=organisation_id, membership__role__in=list(roles),
    ).order_by("pk").first()


def _dates(start: datetime.date, today: datetime.date, rng: random.Random, n: int) -> list[datetime.date]:
    """n non-decreasing dates from start, never after today."""
    dates, day = [], start
    for _ in range(n):
        dates.append(min(day, today))
        day += datetime.timedelta(days=rng.randint(1, 3))
    return dates


def seed(pathways: list[Any], *, actor: Any, today: datetime.date, rng: random.Random) -> dict[str, int]:
    counts = {"open_tracks": 0, "closed_tracks": 0, "steps": 0}
    busy = set(MeldcodeTrack.objects.filter(closed_on__isnull=True).values_list("person_id", flat=True))
    candidates = [p for p in pathways if p.stay.discharge_date is None and p.stay.person_id not in busy]
    if not candidates:
        return counts
    candidates.sort(key=lambda p: (p.stay.admission_date, p.pk))  # the longest stay first: room for the dates
    chosen = [(candidates[0], True)]
    if len(candidates) > 1:
        chosen.append((rng.choice(candidates[1:]), False))
    for pathway, closed in chosen:
        person = pathway.stay.person
        worker = _user(person.organisation_id, {Role.KINDERWERKER, Role.MENTOR, Role.TEAMLEIDER}, actor)
        decider = _user(person.organisation_id, DECIDING_ROLES, actor)
        if worker is None or (closed and decider is None):
            continue
        first = pathway.stay.admission_date + datetime.timedelta(days=rng.randint(1, 4))
        dates = _dates(min(first, today), today, rng, 5)
        track = do_start_track(person, signals=rng.choice(SIGNALS), source="signal", started_on=dates[0], actor=worker)
        do_take_step(track, number=2, date=dates[1], consulted_veilig_thuis=True, actor=worker,
                     consulted_with="Collega kinderwerker en een adviseur van Veilig Thuis",
                     notes="Signalen besproken; advies: gesprek met moeder en het kind.")
        do_take_step(track, number=3, date=dates[2], actor=worker,
                     notes="Gesprek met moeder; zij herkent de signalen en is bang voor vader.")
        counts["steps"] += 3
        if not closed:
            counts["open_tracks"] += 1
            continue
        do_take_step(track, number=4, date=dates[3], actor=decider, answers={
            "q1_suspicion": True, "q2_unsafety": True, "q3_can_help": True, "q4_help_accepted": True,
            "q5_help_works": False,
        }, notes="Structurele onveiligheid: melden is noodzakelijk; hulp in de opvang loopt door.")
        do_take_step(track, number=5, date=dates[4], actor=decider, decision="report_and_help",
                     report_date=dates[4], report_reference=f"VT-{today.year}-{rng.randint(1000, 9999)}",
                     notes="Melding gedaan bij Veilig Thuis; moeder is geïnformeerd.")
        counts["steps"] += 2
        counts["closed_tracks"] += 1
    return counts
