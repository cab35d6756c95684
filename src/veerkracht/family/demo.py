"""Synthetic parenting assessments and parent support for the demo (made up; never real data).

``seed(pathways, actor=..., today=..., rng=...)`` writes through the services, so every record is
audited like a real one. Deterministic for a given ``rng``."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import Any

from faker import Faker

from veerkracht.clients.models import ParentChild, PersonKind
from veerkracht.pathway import records

from . import services
from .models import ReferralStatus, SupportKind

TOPIC_TEXTS = {
    "parenting_skills": [
        "Moeder zet duidelijke grenzen, maar raakt bij boze buien van het kind snel uitgeput.",
        "Structuur in de dag is lastig; bedtijden en eetmomenten wisselen sterk.",
        "Vader-rol viel weg; moeder zoekt naar een eigen manier van opvoeden zonder schreeuwen.",
        "Moeder is liefdevol en betrokken, wil tips om ruzie tussen de kinderen te sussen.",
    ],
    "view_of_child": [
        "Ziet het kind als 'net zijn vader', vooral als het boos wordt.",
        "Beschrijft het kind als gevoelig, slim en zorgzaam voor de jongere kinderen.",
        "Maakt zich zorgen dat het kind zich terugtrekt en weinig praat.",
    ],
    "relationship": [
        "Warme band; het kind zoekt veel nabijheid en slaapt slecht alleen.",
        "Het kind neemt een zorgende rol op zich naar moeder (parentificatie).",
        "Veel strijd over kleine dingen; momenten van plezier samen zijn schaars.",
    ],
    "parent_wellbeing": [
        "Moeder slaapt slecht en heeft last van herbelevingen; huisarts is op de hoogte.",
        "Somber, weinig energie; staat open voor traumabehandeling.",
        "Voelt zich veiliger sinds de opname, maar is bang voor contact met ex-partner.",
    ],
    "school": [
        "Kind gaat sinds twee weken naar een school in de buurt van de opvang.",
        "Schoolwisseling nog niet rond; leerplichtambtenaar is ingelicht.",
        "Kinderdagverblijf is geregeld voor drie dagen per week.",
    ],
    "health": [
        "Geen bijzonderheden; vaccinaties volgens schema.",
        "Buikpijnklachten en nachtmerries; afspraak bij de huisarts gepland.",
        "Astma, medicatie is meegenomen.",
    ],
    "housing": [
        "Urgentieaanvraag loopt; verwachting is binnen vier maanden een eigen woning.",
        "Terugkeer naar de oude woning is niet veilig; zoekt in een andere gemeente.",
        "Mogelijk tijdelijk bij een zus wonen na het verblijf.",
    ],
    "strengths": [
        "Moeder is gemotiveerd en vraagt zelf om hulp.",
        "Steunende oma in de buurt; kind heeft een goede vriendin op school.",
        "Humor en veerkracht; het gezin houdt vast aan vaste rituelen.",
    ],
}
SUPPORT_TEXTS = {
    SupportKind.CONTACT: [
        "Gesprek over een vast avondritueel en slapen in het eigen bed.",
        "Opvoedvragen besproken: hoe reageer je op driftbuien na een bezoek.",
        "Samen gekeken naar wat het kind nodig heeft na de verhuizing.",
    ],
    SupportKind.OFFER: [
        "Aanbod: training 'Positief opvoeden' in de opvang.",
        "Aanbod: moeder-kindactiviteit op woensdagmiddag.",
        "Informatie gegeven over de oudergroep van de opvang.",
    ],
    SupportKind.REFERRAL: [
        "Verwijzing voor traumabehandeling van moeder.",
        "Verwijzing naar opvoedondersteuning van het wijkteam.",
        "Aanmelding bij maatschappelijk werk voor schulden.",
    ],
    SupportKind.SESSION: [
        "Oudergroepbijeenkomst over de impact van huiselijk geweld op kinderen.",
        "Oudersessie over grenzen stellen zonder geweld.",
    ],
}
REFERRAL_TARGETS = ["GGZ-instelling in de regio", "Wijkteam jeugd en gezin", "Maatschappelijk werk",
                    "Opvoedpoli", "Praktijkondersteuner huisarts"]


def _between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return end
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def seed(pathways: list[Any], *, actor: Any, today: datetime.date, rng: random.Random) -> dict[str, int]:
    fake = Faker("nl_NL")
    fake.seed_instance(rng.randint(0, 2**31))
    links: dict[int, list[Any]] = defaultdict(list)
    for link in ParentChild.objects.filter(child__in=[p.stay.person for p in pathways]).select_related("parent"):
        links[link.child_id].append(link.parent)
    counts = {"parenting_assessments": 0, "parent_support_items": 0}
    kinds = list(SupportKind)
    kind_index = 0
    for pathway in pathways:
        child = pathway.stay.person
        parents = sorted(links.get(child.pk, []), key=lambda p: (p.kind != PersonKind.MOTHER, p.pk))
        if not parents:
            continue
        admission = pathway.stay.admission_date
        end = min(pathway.stay.discharge_date or today, today)
        carers = [p for p in parents if p.kind in (PersonKind.MOTHER, PersonKind.CAREGIVER)] or parents
        if rng.random() < 0.5:
            topics = {name: rng.choice(texts) for name, texts in TOPIC_TEXTS.items() if rng.random() < 0.75}
            topics = topics or {"strengths": rng.choice(TOPIC_TEXTS["strengths"])}
            conversation = _between(rng, admission, min(end, admission + datetime.timedelta(days=30)))
            completed_on = None
            if rng.random() < 0.6 and records.completes_activity(pathway, records.PARENTING):
                completed_on = _between(rng, conversation, end)
            services.do_save_parenting(
                pathway, parent=carers[0], conversation_date=conversation, topics=topics,
                completed_on=completed_on, expected_version=0, actor=actor,
            )
            counts["parenting_assessments"] += 1
        if rng.random() < 0.65:
            for _i in range(rng.randint(1, 4)):
                kind = kinds[kind_index % len(kinds)] if kind_index < len(kinds) else rng.choice(kinds)
                kind_index += 1
                parent = carers[0] if rng.random() < 0.85 else rng.choice(parents)
                fields: dict[str, Any] = {
                    "parent": parent, "kind": kind, "date": _between(rng, admission, end),
                    "description": rng.choice(SUPPORT_TEXTS[kind]), "referred_to": "", "referral_status": "",
                    "participated": None,
                }
                if kind == SupportKind.REFERRAL:
                    fields["referred_to"] = f"{rng.choice(REFERRAL_TARGETS)}, {fake.first_name()} {fake.last_name()}"
                    fields["referral_status"] = rng.choice(list(ReferralStatus))
                elif kind == SupportKind.SESSION:
                    fields["participated"] = rng.random() < 0.75
                services.do_add_support_item(pathway, actor=actor, **fields)
                counts["parent_support_items"] += 1
    return counts
