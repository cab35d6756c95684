"""Demo data: intake records for most demo children (synthetic text only), through the service so
that every record is audited and the step plan moves on."""

from __future__ import annotations

import datetime
import random
from typing import Any

from veerkracht.accounts.roles import Role

from .models import EXPOSURES, IntakeForm, IntakeRecord, form_for_child
from .services import IntakeData, do_save_intake

PRESENT = {
    IntakeForm.OBSERVATION: ["Moeder en kinderwerker", "Moeder, kind en kinderwerker in de speelkamer"],
    IntakeForm.CONVERSATION: ["Kind en kinderwerker; moeder in de eerste tien minuten",
                              "Kind en kinderwerker", "Kind, broertje en kinderwerker"],
    IntakeForm.INTERVIEW: ["Jongere en kinderwerker", "Jongere, mentor en kinderwerker"],
}
DOING = {
    IntakeForm.OBSERVATION: ["Huilt veel bij het slapengaan, zoekt steeds de nabijheid van moeder.",
                             "Speelt rustig, schrikt van harde geluiden.", "Eet slecht sinds de opname."],
    IntakeForm.CONVERSATION: ["Vertelt dat het slecht slaapt en vaak aan thuis denkt.",
                              "Is stil en teruggetrokken, tekent veel.", "Is druk en boos, mist de vriendjes van school."],
    IntakeForm.INTERVIEW: ["Zegt dat het 'wel gaat', maar slaapt slecht en zit veel op de telefoon.",
                           "Maakt zich zorgen om moeder en de jongere broertjes.", "Voelt zich opgelucht dat het hier rustig is."],
}
WORDS = {
    IntakeForm.OBSERVATION: ["Zoekt troost bij vaste personen; lijkt behoefte te hebben aan vaste ritmes.",
                             "Ontspant bij spel met water en zand; lijkt rust en voorspelbaarheid nodig te hebben."],
    IntakeForm.CONVERSATION: ["'Ik wil dat papa en mama geen ruzie meer maken.'", "'Ik wil weer naar mijn eigen school.'",
                              "Koos de kaart 'bang' en de kaart 'blij als ik met mama speel'."],
    IntakeForm.INTERVIEW: ["Wil weten wat er gaat gebeuren en zelf mee beslissen.",
                           "Wil contact met vrienden houden en een eigen plek om huiswerk te maken.",
                           "Wil niet dat vader weet waar ze zijn."],
}
CHANCES = (0.7, 0.5, 0.3, 0.1, 0.25, 0.05)  # of each exposure, in the order of EXPOSURES (made up)
CONCERNS = ["Vader kent mogelijk de school van het kind.", "Kind vertelde over klappen door vader.",
            "Moeder twijfelt of ze teruggaat naar huis."]


def _editor(organisation_id: int, actor: Any) -> Any:
    """The actor when of this organisation, else a child worker or team leader of it."""
    from django.contrib.auth import get_user_model

    membership = getattr(actor, "membership_or_none", None)
    if membership is not None and membership.organisation_id == organisation_id:
        return actor
    return (
        get_user_model().objects.filter(
            is_active=True, membership__organisation_id=organisation_id,
            membership__role__in=[Role.KINDERWERKER, Role.TEAMLEIDER],
        ).order_by("pk").first()
    )


def seed(pathways: list[Any], *, actor: Any, today: datetime.date, rng: random.Random) -> dict[str, int]:
    """Intakes for most demo children (about 85%), of every age band; most of them completed."""
    counts = {"intakes": 0, "completed": 0}
    editors: dict[int, Any] = {}
    done = set(IntakeRecord.objects.filter(pathway__in=pathways).values_list("pathway_id", flat=True))
    for pathway in pathways:
        skip = rng.random() >= 0.85
        if skip or pathway.pk in done:
            continue
        stay = pathway.stay
        person = stay.person
        org_id = person.organisation_id
        if org_id not in editors:
            editors[org_id] = _editor(org_id, actor)
        editor = editors[org_id]
        if editor is None:
            continue
        last = min(today, stay.discharge_date or today)
        span = max(0, (last - stay.admission_date).days)
        conversation = stay.admission_date + datetime.timedelta(days=min(span, rng.randint(0, 6)))
        form = form_for_child(person.birth_date, conversation)
        exposure = {name: rng.random() < p for (name, _l), p in zip(EXPOSURES, CHANCES, strict=True)}
        data = IntakeData(
            conversation_date=conversation,
            conducted_by=editor,
            present=rng.choice(PRESENT[form]),
            other_exposure_text="Zag politie-inzet bij de buren" if exposure["other_exposure"] else "",
            how_child_is_doing=rng.choice(DOING[form]),
            child_own_words=rng.choice(WORDS[form]),
            safety_concerns=rng.choice(CONCERNS) if rng.random() < 0.2 else "",
            **exposure,
        )
        completed = conversation + datetime.timedelta(days=rng.randint(0, 3))
        completed_on = completed if completed <= last and rng.random() < 0.8 else None
        do_save_intake(pathway, data=data, completed_on=completed_on, actor=editor)
        counts["intakes"] += 1
        counts["completed"] += completed_on is not None
    return counts
