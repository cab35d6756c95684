"""Synthetic referrals for the demo (never real data), written through the services (audited).

``seed(pathways, actor=..., today=..., rng=...)`` gives about half of the demo children one or two
referrals: open ones in every status (sent, unanswered for too long, accepted, on a waiting list -
some for too long -, help started, declined) and closed ones, each with a history over the stay
whose dates follow each other. Deterministic for a given ``rng``; returns counts."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from . import services
from .models import ClosingReason, Referral, ReferralKind, ReferralStatus

DAY = datetime.timedelta(days=1)
S = ReferralStatus


@dataclass(frozen=True)
class Scenario:
    name: str
    path: tuple[str, ...]  # the statuses after "sent"
    age: tuple[int, int]  # days between the last step and today
    span: tuple[int, int]  # days between sending and the last step
    closing_reason: str = ""


SCENARIOS = [
    Scenario("sent", (), (0, 10), (0, 0)),
    Scenario("accepted", (S.ACCEPTED,), (1, 20), (3, 14)),
    Scenario("waiting", (S.ACCEPTED, S.WAITING), (2, 35), (3, 20)),
    Scenario("started", (S.ACCEPTED, S.STARTED), (1, 40), (7, 40)),
    Scenario("declined", (S.DECLINED,), (1, 10), (5, 20)),
    Scenario("closed_completed", (S.ACCEPTED, S.STARTED, S.CLOSED), (0, 20), (30, 80), ClosingReason.COMPLETED),
    Scenario("sent_unanswered", (), (15, 30), (0, 0)),
    Scenario("waiting_long", (S.WAITING,), (43, 60), (5, 14)),
    Scenario("closed_withdrawn", (S.CLOSED,), (1, 30), (2, 20), ClosingReason.WITHDRAWN),
    Scenario("closed_other_help", (S.DECLINED, S.CLOSED), (0, 20), (10, 30), ClosingReason.OTHER_HELP),
]
FALLBACK = SCENARIOS[0]

TO_WHOM = {
    ReferralKind.TRAUMA_TREATMENT: ["Traumacentrum Kind en Jeugd", "Praktijk Veilig Verder", "GGZ Jeugd De Brug"],
    ReferralKind.YOUTH_CARE: ["Jeugdhulp Midden", "Wijkteam Noord", "Stichting Jeugdzorg De Horizon"],
    ReferralKind.GP: ["Huisartsenpraktijk De Esch", "Gezondheidscentrum Oost"],
    ReferralKind.SCHOOL_SUPPORT: ["Intern begeleider van de school", "Samenwerkingsverband Passend Onderwijs"],
    ReferralKind.OTHER: ["Praktijk voor speltherapie Het Speelhuis", "Logopediepraktijk Klank"],
}
OTHER_KINDS = ["Speltherapie", "Vaktherapie beeldend", "Logopedie"]
REASONS = [
    "Het kind heeft nachtmerries en schrikt van harde geluiden sinds de vlucht.",
    "Het kind is stil en teruggetrokken; de screening wijst op traumaklachten.",
    "Het kind klaagt vaak over buikpijn en slaapt slecht.",
    "Het kind heeft extra ondersteuning nodig om op de nieuwe school te wennen.",
    "Moeder vraagt hulp bij de woede-uitbarstingen van het kind.",
]
NOTES = {
    S.SENT: ["Verwijzing besproken met moeder; zij stemt in.", ""],
    S.ACCEPTED: ["Aanmelding ontvangen en geaccepteerd.", ""],
    S.WAITING: ["Wachttijd ongeveer acht weken.", "Op de wachtlijst; moeder belt zelf over twee weken.", ""],
    S.STARTED: ["Eerste gesprek heeft plaatsgevonden.", ""],
    S.DECLINED: ["Afgewezen: past niet bij de hulpvraag. Andere hulp zoeken.", "Afgewezen wegens postcode."],
    S.CLOSED: ["Traject afgerond; evaluatie met moeder gedaan.", "Moeder wil de verwijzing niet meer.",
               "Hulp gevonden via het wijkteam."],
}


def _dates(rng: random.Random, scenario: Scenario, today: datetime.date, days_in: int) -> list[datetime.date] | None:
    """The date of sending and of every later step, in order; None when the stay is too short."""
    age, span = rng.randint(*scenario.age), rng.randint(*scenario.span)
    if age + span > days_in:
        return None
    sent_on, last = today - (age + span) * DAY, today - age * DAY
    if not scenario.path:
        return [sent_on]
    middle = sorted(sent_on + rng.randint(0, span) * DAY for _ in scenario.path[:-1])
    return [sent_on, *middle, last]


def _create(pathway: Any, rng: random.Random, scenario: Scenario, dates: list[datetime.date], actor: Any) -> Referral:
    kind = rng.choice(ReferralKind.values)
    referral = services.do_create_referral(
        pathway, kind=kind, other_kind=rng.choice(OTHER_KINDS) if kind == ReferralKind.OTHER else "",
        to_whom=rng.choice(TO_WHOM[ReferralKind(kind)]), reason=rng.choice(REASONS), sent_on=dates[0],
        note=rng.choice(NOTES[S.SENT]), actor=actor,
    )
    for status, on in zip(scenario.path, dates[1:], strict=True):
        services.do_change_referral_status(
            referral, status=status, on=on, note=rng.choice(NOTES[status]), expected_version=referral.version,
            closing_reason=scenario.closing_reason if status == S.CLOSED else "", actor=actor,
        )
    return referral


def seed(pathways: list[Any], *, actor: Any, today: datetime.date, rng: random.Random) -> dict[str, int]:
    today = min(today, timezone.localdate())  # a service refuses dates in the future
    counts = dict.fromkeys(["referrals", "open", "closed", *(s.name for s in SCENARIOS)], 0)
    turn = 0
    for pathway in pathways:
        if pathway.closed_on is not None or rng.random() >= 0.5:
            continue
        days_in = (today - pathway.stay.admission_date).days
        if days_in < 0:
            continue
        for _ in range(rng.choice((1, 1, 2))):
            scenario = SCENARIOS[turn % len(SCENARIOS)]
            turn += 1
            dates = _dates(rng, scenario, today, days_in)
            if dates is None:
                scenario = FALLBACK
                dates = [today - rng.randint(0, min(days_in, 10)) * DAY]
            _create(pathway, rng, scenario, dates, actor)
            counts["referrals"] += 1
            counts["closed" if scenario.path[-1:] == (S.CLOSED,) else "open"] += 1
            counts[scenario.name] += 1
    return counts
