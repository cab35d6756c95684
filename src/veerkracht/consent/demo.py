"""Synthetic consent records for the demo, written through the services (so they are audited).

- most pathways: consent of everyone whose consent is needed, for most subjects;
- one child of 12 to 15 (13 when there is one) whose father with authority refuses while the
  child and the mother consent: a refusal step plan at step 3;
- one child under 16 whose parent's authority is unknown ("check the gezagsregister").
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from veerkracht.clients.models import Authority, ParentChild, PersonKind
from veerkracht.pathway.models import Pathway

from . import queries, rules, services
from .models import ConsentRecord, RefusalProcedure

NOTES = [
    "Besproken tijdens het intakegesprek; uitleg gegeven over het doel.",
    "Telefonisch toegelicht, akkoord na vragen over wie het verslag leest.",
    "Schriftelijk formulier ondertekend teruggekregen.",
    "",
    "",
]
STEP_NOTES = {
    1: "Gesprek met vader over zijn bezwaren: hij wil niet dat hulpverleners zich met zijn kind bemoeien.",
    2: "Overleg met de gedragswetenschapper; zij adviseert de afweging zorgvuldig vast te leggen.",
    3: "Kind vraagt herhaaldelijk zelf om de hulp; signalen van spanning bij school en slapen.",
}


def _date(base: datetime.date, rng: random.Random, today: datetime.date, spread: int = 10) -> datetime.date:
    return min(base + datetime.timedelta(days=rng.randint(0, spread)), today, timezone.localdate())


def _set_authority(link: ParentChild, authority: str, *, actor: Any, today: datetime.date) -> bool:
    if link.authority == authority:
        return True
    from veerkracht.clients.services import do_update_authority

    try:
        do_update_authority(
            link, authority=authority, checked_on=today if authority != Authority.UNKNOWN else None,
            expected_version=link.version, actor=actor,
        )
    except (PermissionDenied, ValidationError):
        return False
    return True


def seed(pathways: list[Pathway], *, actor: Any, today: datetime.date, rng: random.Random) -> dict[str, int]:
    counts = {"records": 0, "procedures": 0, "steps": 0, "authority_unknown": 0}
    # Running it again adds nothing: pathways with consent records are left alone.
    seeded = set(ConsentRecord.objects.filter(pathway__in=pathways).values_list("pathway_id", flat=True))
    pathways = [p for p in pathways if p.pk not in seeded]
    prepared = []
    for pathway in pathways:
        child = pathway.stay.person
        links = queries.parent_links(child)
        requirement = queries.requirement_for(child, links, today)
        prepared.append((pathway, child, links, requirement))

    # The refusal case: a child of 12 to 15 (13 preferred) with a father.
    refusal_case = None
    candidates = [
        p for p in prepared
        if p[3].band == rules.FROM_12_TO_15 and any(link.parent.kind == PersonKind.FATHER for link in p[2])
    ]
    candidates.sort(key=lambda p: (p[3].age != 13, pathways.index(p[0])))
    for candidate in candidates:
        father_link = next(link for link in candidate[2] if link.parent.kind == PersonKind.FATHER)
        if _set_authority(father_link, Authority.YES, actor=actor, today=today):
            refusal_case = candidate[0]
            break

    # The unknown-authority case: a child under 16 with a parent whose authority is unknown.
    unknown_case = None
    under_16 = [p for p in prepared if p[0] != refusal_case and p[3].band in (rules.UNDER_12, rules.FROM_12_TO_15)]
    for candidate in under_16:
        if any(link.authority == Authority.UNKNOWN for link in candidate[2]):
            unknown_case = candidate[0]
            break
    else:
        for candidate in under_16:
            father_links = [link for link in candidate[2] if link.parent.kind == PersonKind.FATHER]
            if father_links and _set_authority(father_links[0], Authority.UNKNOWN, actor=actor, today=today):
                unknown_case = candidate[0]
                break
    if unknown_case is not None:
        counts["authority_unknown"] = 1

    for pathway, child, _links, _requirement in prepared:
        links = queries.parent_links(child)  # fresh: the authority may have been set above
        start = pathway.stay.admission_date
        if pathway == refusal_case:
            _seed_refusal(pathway, child, links, actor=actor, today=today, rng=rng, counts=counts)
            continue
        if pathway != unknown_case and rng.random() >= 0.85:
            continue  # a few pathways have no consent recorded yet
        subjects = queries.subjects(pathway)
        for subject in subjects:
            if pathway != unknown_case and rng.random() >= 0.8:
                continue
            date = _date(start, rng, today)
            requirement = queries.requirement_for(child, links, date)
            persons = {child.pk: child, **{link.parent_id: link.parent for link in links}}
            for key in requirement.required:
                if key in requirement.parents_to_check:
                    continue  # the professional first checks the gezagsregister
                # now and then a young person says no (a parent's refusal would start a step plan)
                decision = "refused" if key == child.pk and rng.random() < 0.1 else "given"
                services.do_record_consent(
                    pathway, subject_code=subject.code, given_by=persons[key], decision=decision, date=date,
                    how=rng.choice(["in_person", "in_person", "phone", "writing"]), note=rng.choice(NOTES),
                    actor=actor,
                )
                counts["records"] += 1
    counts["procedures"] = RefusalProcedure.objects.filter(pathway__in=pathways).count()
    return counts


def _seed_refusal(pathway: Pathway, child: Any, links: list[ParentChild], *, actor: Any, today: datetime.date,
                  rng: random.Random, counts: dict[str, int]) -> None:
    subject = queries.subjects(pathway)[0]
    date = _date(pathway.stay.admission_date, rng, today, spread=5)
    requirement = queries.requirement_for(child, links, date)
    if requirement.band != rules.FROM_12_TO_15:  # the child turned 12 during the stay
        date = min(today, timezone.localdate())
        requirement = queries.requirement_for(child, links, date)
    father = next(link.parent for link in links if link.parent.kind == PersonKind.FATHER)
    others = [link.parent for link in links if link.parent_id in requirement.parents_required and link.parent != father]
    for person, decision in [*[(p, "given") for p in others], (father, "refused"), (child, "given")]:
        services.do_record_consent(
            pathway, subject_code=subject.code, given_by=person, decision=decision, date=date,
            how="in_person" if person != father else "phone", note="", actor=actor,
        )
        counts["records"] += 1
    procedure = RefusalProcedure.objects.filter(pathway=pathway, subject_code=subject.code).first()
    if procedure is None:
        return
    step_date = date
    for number in (1, 2, 3):
        step_date = min(step_date + datetime.timedelta(days=rng.randint(1, 4)), today, timezone.localdate())
        procedure = RefusalProcedure.objects.prefetch_related("steps").get(pk=procedure.pk)
        services.do_record_step(
            procedure, number=number, date=step_date, notes=STEP_NOTES[number], serious_harm=False,
            child_persists=number == 3, expected_version=procedure.version, actor=actor,
        )
        counts["steps"] += 1
