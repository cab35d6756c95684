"""Synthetic safety plans for the demo (never real data), written through the services (audited).

``seed(pathways, actor=..., today=..., rng=...)`` gives most demo children a safety plan: drafts,
adopted plans, adopted plans whose review date has passed (due for review) and adopted plans that
were changed afterwards (a new draft beside the adopted revision). Deterministic for a given ``rng``."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.contrib.auth import get_user_model

from veerkracht.accounts.roles import Role

from . import services
from .models import SafetyPlan

DAY = datetime.timedelta(days=1)
KINDS = ["draft", "adopted", "due", "changed"]

RISKS = [
    "Vader kent de school van het kind. Hij heeft eerder gedreigd het kind mee te nemen.",
    "Het kind schrikt van harde stemmen en verstopt zich dan. Vader stuurt berichten via familie.",
    "Spanning bij overdrachtsmomenten; het kind vertelt dan dat het buikpijn heeft.",
]
WHEN_UNSAFE = [
    "Ik ga naar de groepsleiding en zeg het codewoord.",
    "Ik ga naar binnen en vertel het aan juf of aan mama.",
    "Ik bel 112 als er iemand is die mij pijn wil doen.",
]
SAFE_PLACES = ["Het kantoor van de groepsleiding", "Mijn kamer, bij mama", "Het lokaal van juf op school"]
SAFE_PERSONS = ["Mama (altijd), de mentor op de opvang, juf op school",
                "Oma via mama, de kinderwerker, de intern begeleider"]
CODE_WORDS = ["ananas", "regenboog", "pinguïn", "vuurtoren"]
AGREEMENTS_PARENT = ["Moeder brengt en haalt het kind zelf van school.",
                     "Moeder deelt geen foto's van het kind op sociale media."]
AGREEMENTS_SCHOOL = ["School geeft het kind alleen mee aan moeder of de mentor.",
                     "Bij een onbekende die naar het kind vraagt, belt school direct de mentor."]
AGREEMENTS_NETWORK = ["Oma weet het adres niet en spreekt af op neutrale plekken.", ""]
FATHER_CONTACT = ["Geen contact tot het gesprek met de gedragswetenschapper.",
                  "Begeleid contact eens per twee weken op een neutrale plek.",
                  "Contactverbod; vader weet niet waar het kind verblijft."]
WHO_KNOWS = ["Moeder, de mentor, de kinderwerker, juf en de intern begeleider.",
             "Moeder, de mentor en de kinderwerker."]
CHILD_WORDS = ["Als ik bang ben, ga ik naar de groepsleiding. Die helpt me.",
               "Ik wil dat papa niet weet waar ik ben. Ik mag altijd naar mama.",
               "Ik zeg het geheime woord, dan weten ze dat het niet goed gaat."]
DRAWINGS = ["Een huis met een groot slot op de deur en mama en het kind binnen.",
            "Een regenboog boven de opvang; het kind zegt: 'hier is het veilig'.", ""]


def _gedragswetenschapper(organisation_id: int, actor: Any) -> Any:
    membership = getattr(actor, "membership_or_none", None)
    if membership is not None and membership.organisation_id == organisation_id \
            and membership.role == Role.GEDRAGSWETENSCHAPPER:
        return actor
    return get_user_model().objects.filter(
        is_active=True, membership__organisation_id=organisation_id, membership__role=Role.GEDRAGSWETENSCHAPPER,
    ).order_by("pk").first()


def _content(rng: random.Random, child: Any) -> dict[str, str]:
    return {
        "risks": rng.choice(RISKS), "when_unsafe": rng.choice(WHEN_UNSAFE), "safe_places": rng.choice(SAFE_PLACES),
        "safe_persons": rng.choice(SAFE_PERSONS), "code_word": rng.choice(CODE_WORDS),
        "agreements_parent": rng.choice(AGREEMENTS_PARENT), "agreements_school": rng.choice(AGREEMENTS_SCHOOL),
        "agreements_network": rng.choice(AGREEMENTS_NETWORK), "father_contact": rng.choice(FATHER_CONTACT),
        "who_knows": rng.choice(WHO_KNOWS), "child_words": rng.choice(CHILD_WORDS), "drawings": rng.choice(DRAWINGS),
    }


def seed(pathways: list[Any], *, actor: Any, today: datetime.date, rng: random.Random) -> dict[str, int]:
    counts = dict.fromkeys(["safety_plans", "revisions", *KINDS], 0)
    turn = 0
    for pathway in pathways:
        if pathway.closed_on is not None or rng.random() >= 0.75:
            continue
        child = pathway.stay.person
        kind = KINDS[turn % len(KINDS)]
        turn += 1
        admission = pathway.stay.admission_date
        days_in = (today - admission).days
        gw = _gedragswetenschapper(child.organisation_id, actor)
        if gw is None:
            kind = "draft"
        elif kind == "due" and days_in < 40:
            kind = "adopted"
        language = "en" if rng.random() < 0.2 else "nl"
        content = _content(rng, child)
        first = {k: v for k, v in content.items() if k in ("risks", "when_unsafe", "safe_places", "code_word")}
        services.do_save_safety_plan(pathway, content=first, language=language, expected_version=0, actor=actor)
        revisions = 1
        if kind != "draft" or rng.random() < 0.5:
            services.do_save_safety_plan(pathway, content=content, expected_version=1, actor=actor)
            revisions += 1
        if kind != "draft":
            plan = SafetyPlan.objects.select_related("pathway__stay__person").get(pathway=pathway)
            if kind == "due":
                adopted_on = admission + rng.randint(3, 10) * DAY
                review = adopted_on + rng.randint(28, min(42, days_in - 12)) * DAY
            else:
                adopted_on = min(today, admission + rng.randint(3, 10) * DAY)
                review = max(today, adopted_on) + rng.randint(14, 120) * DAY
                review = min(review, adopted_on + services.REVIEW_MAX_DAYS * DAY)
            services.do_adopt_safety_plan(plan, review_date=review, adopted_on=adopted_on,
                                          expected_version=plan.version, actor=gw)
            if kind == "changed":
                plan.refresh_from_db()
                changed = {**content, "who_knows": content["who_knows"] + " Ook de nieuwe leerkracht weet ervan."}
                services.do_save_safety_plan(pathway, content=changed, expected_version=plan.version, actor=actor)
                revisions += 1
        counts["safety_plans"] += 1
        counts["revisions"] += revisions
        counts[kind] += 1
    return counts
