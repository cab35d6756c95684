"""Synthetic networks for the demo (Faker nl_NL names; never real data).

``seed(pathways, actor=..., today=..., rng=...)`` adds 4-9 network members for most demo
children through the services (audited). Deterministic for a given ``rng``."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import Any

from faker import Faker

from veerkracht.clients.models import ParentChild, PersonKind
from veerkracht.pathway import records

from . import services

# (relation, role, member_type, qualities with weights, safe-person chance)
CANDIDATES = [
    ("family", "oma", "person", (("supportive", 8), ("neutral", 2)), 0.7),
    ("family", "opa", "person", (("supportive", 6), ("neutral", 3), ("risk", 1)), 0.4),
    ("family", "tante", "person", (("supportive", 6), ("neutral", 4)), 0.4),
    ("family", "oom", "person", (("supportive", 4), ("neutral", 5), ("risk", 1)), 0.2),
    ("friend", "beste vriendin", "person", (("supportive", 9), ("neutral", 1)), 0.3),
    ("school", "leerkracht groep 5", "person", (("supportive", 7), ("neutral", 3)), 0.3),
    ("school", "intern begeleider", "person", (("supportive", 6), ("neutral", 4)), 0.1),
    ("neighbour", "buurvrouw", "person", (("supportive", 5), ("neutral", 5)), 0.2),
    ("sport", "voetbaltrainer", "person", (("supportive", 7), ("neutral", 3)), 0.2),
    ("professional", "huisarts", "organisation", (("supportive", 6), ("neutral", 4)), 0.0),
    ("professional", "jeugdverpleegkundige", "person", (("supportive", 7), ("neutral", 3)), 0.1),
    ("faith", "moskee", "organisation", (("supportive", 5), ("neutral", 5)), 0.0),
    ("faith", "kerk", "organisation", (("supportive", 5), ("neutral", 5)), 0.0),
    ("other", "buurthuis", "organisation", (("supportive", 4), ("neutral", 6)), 0.0),
]
ORGANISATION_NAMES = {
    "huisarts": "Huisartsenpraktijk {street}",
    "moskee": "Moskee {street}",
    "kerk": "Kerk aan de {street}",
    "buurthuis": "Buurthuis {street}",
}


def seed(pathways: list[Any], *, actor: Any, today: datetime.date, rng: random.Random) -> dict[str, int]:
    fake = Faker("nl_NL")
    fake.seed_instance(rng.randint(0, 2**31))
    fathers: dict[int, list[Any]] = defaultdict(list)
    for link in ParentChild.objects.filter(
        child__in=[p.stay.person for p in pathways], parent__kind=PersonKind.FATHER
    ).select_related("parent"):
        fathers[link.child_id].append(link.parent)
    counts = {"networks": 0, "network_members": 0}
    for pathway in pathways:
        if rng.random() >= 0.8:
            continue
        child = pathway.stay.person
        family_name = child.last_name
        members: list[dict[str, Any]] = []
        for father in fathers.get(child.pk, [])[:1]:
            risk = rng.random() < 0.6
            members.append({
                "name": father.full_name, "member_type": "person", "relation": "family", "role": "vader",
                "quality": "risk" if risk else rng.choice(["neutral", "supportive"]),
                "contact_allowed": not risk or rng.random() < 0.2, "safe_person": False,
                "reach": "" if risk else "via moeder", "notes": "Zie het veiligheidsplan." if risk else "",
            })
        for relation, role, member_type, qualities, safe_chance in rng.sample(CANDIDATES, rng.randint(4, 8)):
            if len(members) >= 9:
                break
            quality = rng.choices([q for q, _w in qualities], [w for _q, w in qualities])[0]
            if member_type == "organisation":
                name = ORGANISATION_NAMES[role].format(street=fake.street_name())
            elif relation == "family" and role in ("oma", "opa") and rng.random() < 0.5:
                name = f"{fake.first_name_female() if role == 'oma' else fake.first_name_male()} {family_name}"
            else:
                name = f"{fake.first_name()} {fake.last_name()}"
            members.append({
                "name": name, "member_type": member_type, "relation": relation, "role": role, "quality": quality,
                "contact_allowed": quality != "risk" or rng.random() < 0.3,
                "safe_person": quality == "supportive" and rng.random() < safe_chance,
                "reach": fake.phone_number() if member_type == "person" and rng.random() < 0.6 else "",
                "notes": "" if rng.random() < 0.7 else rng.choice([
                    "Kind noemt deze persoon spontaan als iemand bij wie het zich fijn voelt.",
                    "Moeder wil dit contact liever beperken.",
                    "Alleen contact na overleg met de mentor.",
                ]),
            })
        for fields in members[:9]:
            services.do_add_member(pathway, actor=actor, **fields)
        counts["networks"] += 1
        counts["network_members"] += len(members[:9])
        end = min(pathway.stay.discharge_date or today, today)
        if rng.random() < 0.5 and records.completes_activity(pathway, records.NETWORK):
            admission = pathway.stay.admission_date
            done = admission + datetime.timedelta(days=rng.randint(0, max(0, min(40, (end - admission).days))))
            services.do_complete_network(pathway, completed_on=min(done, end), actor=actor)
    return counts
