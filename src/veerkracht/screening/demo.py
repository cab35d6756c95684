"""Synthetic screenings for the demo (never real data), written through the services (scored by the
engine, audited).

``seed(pathways, actor=..., today=..., rng=...)`` gives most demo children who have been in care for
a few days the instrument that fits their age (CATS self-report from 7, CATS caregiver 3-6 for the
young ones, CRIES-8 now and then from 8; the exposure-to-violence checklist for the youngest),
filled in one to three times over the stay so the charts show a course: children who recover, who
stay above the cut-off, who stay low. A result above the cut-off opens a signal; the
gedragswetenschapper decided the earlier ones (some with a referral to trauma treatment) and some
of the latest, the others wait on her worklist. Some mothers filled in the PHQ-9 or GAD-7, and a
few questionnaires are incomplete (stored as invalid). Deterministic for a given ``rng``."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.clients.models import age_on

from . import services
from .engine.definitions import get
from .models import Decision

DAY = datetime.timedelta(days=1)
ROUND_DAYS = 42  # a repeated screening about every six weeks
# the course of the mean item score (as a share of the item's highest score) over the administrations
PROFILES = {
    "recovering": (0.62, 0.45, 0.25),
    "high": (0.6, 0.65, 0.58),
    "moderate": (0.35, 0.33, 0.28),
    "low": (0.15, 0.12, 0.1),
}
PROFILE_ORDER = ["recovering", "low", "high", "moderate", "low", "recovering", "high", "low"]
INVALID_SHARE = 0.06
NOTES = ["Samen met de kinderwerker ingevuld.", "Kind vulde de lijst zelf in, vragen voorgelezen.",
         "Ingevuld met moeder erbij.", ""]
REASONS = {
    Decision.TRAUMA_REFERRAL: ["Hoge score op herbeleving en vermijding; besproken met moeder, zij stemt in.",
                               "Klachten blijven hoog na zes weken begeleiding; traumabehandeling nodig."],
    Decision.GUIDANCE: ["Score net boven de grens; eerst volgen in het hulpverleningsplan met kindgesprekken.",
                        "Klachten passen bij de recente gebeurtenissen; over zes weken opnieuw screenen."],
    Decision.OTHER_REFERRAL: ["Verwijzing naar speltherapie via de huisarts besproken."],
    Decision.OTHER: ["Kind is al in behandeling bij de GGZ; behandelaar geïnformeerd."],
}
TO_WHOM = ["Traumacentrum Kind en Jeugd", "GGZ Jeugd De Brug", "Praktijk Veilig Verder"]


def _gedragswetenschapper(organisation_id: int, actor: Any) -> Any:
    membership = getattr(actor, "membership_or_none", None)
    if membership is not None and membership.organisation_id == organisation_id \
            and membership.role == Role.GEDRAGSWETENSCHAPPER:
        return actor
    return get_user_model().objects.filter(
        is_active=True, membership__organisation_id=organisation_id, membership__role=Role.GEDRAGSWETENSCHAPPER,
    ).order_by("pk").first()


def _instrument_for(age: int, rng: random.Random) -> str:
    if age >= 8 and rng.random() < 0.25:
        return "cries-8"
    if age >= 7:
        return "cats-self-7-17"
    if age >= 3:
        return "cats-caregiver-3-6"
    return "exposure-to-violence"


def _answers(inst: Any, level: float, rng: random.Random, *, incomplete: bool = False) -> dict[str, str]:
    """Answers whose scores lie around ``level`` (a share of each item's highest score)."""
    answers = {}
    for item in inst.items:
        options = sorted(item.options, key=lambda o: o.score)
        if not item.scored:
            answers[item.link_id] = rng.choice(options).code
            continue
        wanted = max(0.0, min(1.0, rng.gauss(level, 0.2))) * options[-1].score
        answers[item.link_id] = min(options, key=lambda o: abs(o.score - wanted)).code
    if incomplete:
        for link_id in rng.sample([i.link_id for i in inst.items if i.scored], 2):
            del answers[link_id]
    return answers


def _dates(first: datetime.date, today: datetime.date, rng: random.Random) -> list[datetime.date]:
    dates = [first]
    while len(dates) < 3:
        following = dates[-1] + (ROUND_DAYS + rng.randint(-5, 5)) * DAY
        if following > today:
            break
        dates.append(following)
    return dates


def _decide(administration: Any, *, gw: Any, today: datetime.date, rng: random.Random, late: bool,
            counts: dict[str, int]) -> None:
    signal = administration.signal
    if late:  # a repeated screening still high: time for treatment
        decision = Decision.TRAUMA_REFERRAL
    else:
        decision = rng.choice([Decision.TRAUMA_REFERRAL, Decision.GUIDANCE, Decision.GUIDANCE,
                               Decision.OTHER_REFERRAL, Decision.OTHER])
    decided_on = min(today, administration.administered_on + rng.randint(1, 8) * DAY)
    services.do_decide_signal(
        signal, decision=decision, reason=rng.choice(REASONS[decision]), decided_on=decided_on,
        to_whom=rng.choice(TO_WHOM) if decision == Decision.TRAUMA_REFERRAL else "",
        expected_version=signal.version, actor=gw)
    counts["decided_signals"] += 1
    counts["referrals"] += decision == Decision.TRAUMA_REFERRAL


def seed(pathways: list[Any], *, actor: Any, today: datetime.date, rng: random.Random) -> dict[str, int]:
    today = min(today, timezone.localdate())  # the services refuse dates in the future
    counts = dict.fromkeys(["administrations", "children", "invalid", "clinical", "open_signals",
                            "decided_signals", "referrals", "parents"], 0)
    households: set[int] = set()
    turn = 0
    for pathway in pathways:
        child = pathway.stay.person
        admission = pathway.stay.admission_date
        days_in = (today - admission).days
        if pathway.closed_on is not None or days_in < 3 or child.birth_date is None or rng.random() >= 0.75:
            continue
        first = admission + rng.randint(2, min(days_in, 20)) * DAY
        age = age_on(child.birth_date, first)
        if age is None or age > 17:
            continue
        inst = get(_instrument_for(age, rng))
        profile = PROFILE_ORDER[turn % len(PROFILE_ORDER)]
        turn += 1
        gw = _gedragswetenschapper(child.organisation_id, actor)
        made = []
        for number, on in enumerate(_dates(first, today, rng)):
            if not inst.fits_age(age_on(child.birth_date, on)):
                break
            incomplete = rng.random() < INVALID_SHARE
            administration = services.do_record_administration(
                pathway, instrument_id=inst.id, administered_on=on, note=rng.choice(NOTES), actor=actor,
                answers=_answers(inst, PROFILES[profile][number], rng, incomplete=incomplete))
            made.append(administration)
            counts["administrations"] += 1
            counts["invalid"] += not administration.valid
            counts["clinical"] += administration.clinical
        counts["children"] += bool(made)
        signalled = [a for a in made if a.clinical]
        for administration in signalled:
            last = administration is made[-1]
            if gw is None or (last and rng.random() < 0.5):
                counts["open_signals"] += 1
                continue
            _decide(administration, gw=gw, today=today, rng=rng, late=administration is not signalled[0],
                    counts=counts)
        # the mother about herself, once per household
        if child.household_id not in households and rng.random() < 0.4:
            households.add(child.household_id)
            parents = services.parents_of(pathway)
            if parents:
                parent_inst = get(rng.choice(["phq-9", "gad-7"]))
                administration = services.do_record_administration(
                    pathway, instrument_id=parent_inst.id, subject=parents[0], actor=actor,
                    administered_on=admission + rng.randint(1, min(days_in, 14)) * DAY,
                    answers=_answers(parent_inst, rng.choice([0.2, 0.35, 0.55]), rng))
                counts["administrations"] += 1
                counts["parents"] += 1
                counts["clinical"] += administration.clinical
                counts["open_signals"] += administration.clinical
    return counts
