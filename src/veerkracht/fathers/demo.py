"""Synthetic father-contact records for the demo (never real data).

For demo children whose household has a father: one contacted with agreements, one "no contact"
because of a contact ban (suspected perpetrator, ban, high risk), one open with an unanswered
attempt; further children get a random mix. Everything goes through the services, so it is audited.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from faker import Faker

from veerkracht.clients.models import Authority, PersonKind
from veerkracht.clients.services import do_add_father
from veerkracht.pathway import records

from . import services
from .models import (
    Answer,
    AttemptResult,
    AttemptWay,
    ContactStatus,
    FatherContact,
    NoContactReason,
    RiskLevel,
)

CONTACTED, BAN, OPEN, UNREACHABLE, NOT_STARTED = "contacted", "ban", "open", "unreachable", "not_started"
FIRST = [CONTACTED, BAN, OPEN]
LATER = ([CONTACTED, BAN, OPEN, UNREACHABLE, NOT_STARTED], [30, 15, 25, 10, 20])

VIEWS = [
    "Vader wil graag weten hoe het met het kind gaat en vraagt om foto's.",
    "Vader zegt dat hij het kind mist en wil betrokken blijven bij school.",
    "Vader maakt zich zorgen over de verhuizing en wil meedenken over een nieuwe school.",
    "Vader ziet dat het kind onrustig is en staat open voor hulp.",
]
AGREEMENTS = [
    "Eens per twee weken begeleid contact op neutrale plek, via de mentor gepland.",
    "Telefonisch contact op woensdagavond, twintig minuten, moeder is op de hoogte.",
    "Vader krijgt maandelijks een kort bericht over het kind via de mentor; geen adresgegevens.",
]
NOTES = [
    "Voicemail ingesproken met verzoek om terug te bellen.",
    "Brief verstuurd via het postadres van de organisatie.",
    "Geen gehoor, later nog een keer proberen.",
]
BAN_NOTES = [
    "Politie heeft een huisverbod opgelegd; vader is in beeld als pleger. Geen contact.",
    "Contactverbod via de rechter; melding bij Veilig Thuis loopt.",
]
SAFE_NOTES = [
    "Geen signalen van geweld door vader; moeder ondersteunt contact.",
    "Vader is niet de vermoedelijke pleger; risico ingeschat met de gedragswetenschapper.",
]


def _fresh(contact: FatherContact) -> FatherContact:
    return FatherContact.objects.select_related("pathway__stay__person", "father").get(pk=contact.pk)


def _day(start: datetime.date, rng: random.Random, lo: int, hi: int, today: datetime.date) -> datetime.date:
    return min(today, start + datetime.timedelta(days=rng.randint(lo, hi)))


def _assessment(*, on: datetime.date, actor: Any, ban: bool, rng: random.Random, fake: Faker) -> dict[str, Any]:
    if ban:
        return {
            "how_to_reach": "", "assessed_on": on, "assessed_by": actor, "suspected_perpetrator": Answer.YES,
            "contact_ban": True, "restraining_order": rng.random() < 0.5, "risk_level": RiskLevel.HIGH,
            "assessment_notes": rng.choice(BAN_NOTES),
        }
    return {
        "how_to_reach": f"Tel. {fake.phone_number()}", "assessed_on": on, "assessed_by": actor,
        "suspected_perpetrator": rng.choice([Answer.NO, Answer.UNKNOWN]), "contact_ban": False,
        "restraining_order": False, "risk_level": rng.choice([RiskLevel.LOW, RiskLevel.MEDIUM]),
        "assessment_notes": rng.choice(SAFE_NOTES),
    }


def _update(contact: FatherContact, *, actor: Any, completed_on: datetime.date | None = None,
            **values: Any) -> FatherContact:
    contact = _fresh(contact)
    current = {name: getattr(contact, name) for name in services.EDITABLE_FIELDS}
    current.update(values)
    services.do_update_contact(contact, services.ContactChanges(**current), completed_on=completed_on,
                               expected_version=contact.version, actor=actor)
    return _fresh(contact)


def _scenario(pathway: Any, father: Any, scenario: str, *, single: bool, actor: Any, today: datetime.date,
              rng: random.Random, fake: Faker) -> int:
    """Run one scenario; returns the number of attempts recorded."""
    if scenario == NOT_STARTED:
        return 0
    admission = pathway.stay.admission_date
    contact = services.do_start_contact(pathway, father, actor=actor)
    assessed = _day(admission, rng, 1, 5, today)
    completes = single and records.completes_activity(pathway, records.FATHER_CONTACT)
    if scenario == BAN:
        _update(contact, actor=actor, completed_on=assessed if completes else None,
                **_assessment(on=assessed, actor=actor, ban=True, rng=rng, fake=fake),
                status=ContactStatus.NO_CONTACT, no_contact_reason=NoContactReason.BAN)
        return 0
    _update(contact, actor=actor, **_assessment(on=assessed, actor=actor, ban=False, rng=rng, fake=fake))
    attempts = 0
    first = _day(assessed, rng, 0, 3, today)
    services.do_add_attempt(_fresh(contact), date=first, way=rng.choice([AttemptWay.PHONE, AttemptWay.LETTER]),
                            result=AttemptResult.NOT_REACHED, notes=rng.choice(NOTES), actor=actor)
    attempts += 1
    if scenario == OPEN:
        return attempts
    second = _day(first, rng, 1, 6, today)
    if scenario == UNREACHABLE:
        services.do_add_attempt(_fresh(contact), date=second, way=AttemptWay.EMAIL,
                                result=AttemptResult.NOT_REACHED, notes=rng.choice(NOTES), actor=actor)
        _update(contact, actor=actor, completed_on=second if completes else None,
                status=ContactStatus.NO_CONTACT, no_contact_reason=NoContactReason.UNREACHABLE)
        return attempts + 1
    services.do_add_attempt(_fresh(contact), date=second, way=rng.choice([AttemptWay.PHONE, AttemptWay.IN_PERSON]),
                            result=AttemptResult.REACHED, notes="Vader bereikt; gesprek gevoerd.", actor=actor)
    _update(contact, actor=actor, completed_on=second if completes else None, status=ContactStatus.CONTACTED,
            father_view=rng.choice(VIEWS), agreements=rng.choice(AGREEMENTS))
    return attempts + 1


def seed(pathways: list[Any], *, actor: Any, today: datetime.date, rng: random.Random) -> dict[str, int]:
    """Father-contact records for the demo children (deterministic for a given ``rng``)."""
    fake = Faker("nl_NL")
    fake.seed_instance(rng.randrange(2**32))
    counts = {"records": 0, "attempts": 0, "fathers_added": 0, "skipped": 0}
    open_pathways = [p for p in pathways if p.closed_on is None and p.stay.discharge_date is None]
    with_father = []
    without_father = []
    for pathway in open_pathways:
        links = services.fathers_of(pathway.stay.person)
        (with_father if links else without_father).append((pathway, links))
    # Make sure the three key cases can be shown: add a father where a household has none.
    for pathway, _links in without_father[: max(0, len(FIRST) - len(with_father))]:
        child = pathway.stay.person
        try:
            do_add_father(child.household, first_name=fake.first_name_male(), last_name=fake.last_name(),
                          birth_date=None, children=[(child, rng.choice(list(Authority)))], actor=actor)
        except (PermissionDenied, ValidationError):
            continue
        counts["fathers_added"] += 1
        with_father.append((pathway, services.fathers_of(child)))
    for index, (pathway, links) in enumerate(with_father):
        scenario = FIRST[index] if index < len(FIRST) else rng.choices(*LATER)[0]
        father = links[0].parent
        if father.kind != PersonKind.FATHER:
            continue
        try:
            with transaction.atomic():  # a scenario that fails leaves nothing half-made
                counts["attempts"] += _scenario(pathway, father, scenario, single=len(links) == 1,
                                                actor=actor, today=today, rng=rng, fake=fake)
        except (PermissionDenied, ValidationError):
            counts["skipped"] += 1
            continue
        if scenario != NOT_STARTED:
            counts["records"] += 1
    return counts
