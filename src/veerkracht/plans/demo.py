"""Synthetic help plans for the demo (never real data), written through the services (audited).

``seed(pathways, actor=..., today=..., rng=...)`` gives most demo children who have been in care
for more than a week a help plan: drafts, adopted plans waiting for their first evaluation, plans
with one to three evaluations, and plans whose evaluation is overdue; with goals in several life
domains, actions (some done) and guidance contacts. Deterministic for a given ``rng``."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from veerkracht.accounts.roles import Role

from . import services
from .models import ContactKind, Domain, HelpPlan

DAY = datetime.timedelta(days=1)
KINDS = ["draft", "adopted", "evaluated", "overdue"]

GOALS = {
    Domain.SAFETY: ["Het kind weet wat het moet doen als het zich onveilig voelt.",
                    "Het kind kent het veiligheidsplan en het codewoord."],
    Domain.WELLBEING: ["Het kind slaapt weer door zonder nachtmerries.",
                       "Het kind kan vertellen wat het thuis heeft meegemaakt.",
                       "Het kind heeft minder last van boze buien."],
    Domain.DEVELOPMENT: ["Het kind speelt weer leeftijdsadequaat.", "Het kind is overdag zindelijk."],
    Domain.SCHOOL: ["Het kind gaat elke dag naar school.", "Het kind heeft een vaste plek op een nieuwe school."],
    Domain.RELATIONSHIPS: ["Het kind heeft een vriendje in de opvang.",
                           "Het kind heeft op een veilige manier contact met oma."],
    Domain.PARENTING: ["Moeder en kind hebben een vast avondritueel.",
                       "Moeder praat met het kind over wat er gebeurd is."],
}
ACTIONS = {
    Domain.SAFETY: "Veiligheidsplan met het kind doorlopen en oefenen.",
    Domain.WELLBEING: "Wekelijks een kindgesprek met tekenen en praten over gevoelens.",
    Domain.DEVELOPMENT: "Speelobservatie en tips voor moeder.",
    Domain.SCHOOL: "Contact met de intern begeleider over de overstap.",
    Domain.RELATIONSHIPS: "Samen met moeder afspraken maken over contact met familie.",
    Domain.PARENTING: "Opvoedgesprek met moeder over routines.",
}
WHO = ["mentor", "kinderwerker", "moeder", "intern begeleider", "gedragswetenschapper"]
CHILD_VIEWS = ["Ik wil weer naar mijn oude school en mijn vriendjes zien.", "Ik wil dat mama niet meer verdrietig is.",
               "Ik wil een eigen kamer en niet meer bang zijn.", ""]
PARENT_VIEWS = ["Moeder wil vooral rust en een vaste school voor het kind.",
                "Moeder maakt zich zorgen over de boze buien en wil hulp.", ""]
NOTES = ["Het gaat beter; het kind slaapt vaker door.", "Kind is nog snel boos, maar herstelt sneller.",
         "Moeder past de tips toe; het avondritueel lukt meestal.", "Weinig verandering; extra gesprek gepland."]
CONTACT_NOTES = ["Samen getekend; het kind vertelde over de verhuizing.", "Met klei gewerkt, rustig en ontspannen.",
                 "Wandeling naar de speeltuin, kind was vrolijk.", "Gesprek met moeder over het slapen.",
                 "Telefonisch contact met de intern begeleider.", ""]
WITH_WHOM = {
    ContactKind.CHILD_CONVERSATION: "het kind", ContactKind.PLAY: "het kind",
    ContactKind.ACTIVITY: "het kind en een ander kind", ContactKind.PARENT_CONVERSATION: "moeder",
    ContactKind.NETWORK: "intern begeleider", ContactKind.OTHER: "moeder en kind",
}


def _gedragswetenschapper(organisation_id: int, actor: Any) -> Any:
    membership = getattr(actor, "membership_or_none", None)
    if membership is not None and membership.organisation_id == organisation_id \
            and membership.role == Role.GEDRAGSWETENSCHAPPER:
        return actor
    return get_user_model().objects.filter(
        is_active=True, membership__organisation_id=organisation_id, membership__role=Role.GEDRAGSWETENSCHAPPER,
    ).order_by("pk").first()


def _evaluation_dates(adopted_on: datetime.date, last_day: datetime.date, rng: random.Random) -> list[datetime.date]:
    """Evaluations about every interval after the adoption, up to ``last_day`` (at most three)."""
    interval = services.evaluation_interval()
    dates: list[datetime.date] = []
    due = adopted_on + interval
    while due <= last_day and len(dates) < 3:
        held = min(last_day, max(due + rng.randint(-4, 4) * DAY, (dates[-1] if dates else adopted_on) + DAY))
        dates.append(held)
        due = held + interval
    return dates


def seed(pathways: list[Any], *, actor: Any, today: datetime.date, rng: random.Random) -> dict[str, int]:
    counts = dict.fromkeys(["help_plans", "goals", "actions", "evaluations", "contacts", *KINDS], 0)
    last_day = min(today, timezone.localdate())  # the services refuse dates in the future
    interval = services.evaluation_interval()
    turn = 0
    for pathway in pathways:
        admission = pathway.stay.admission_date
        days_in = (last_day - admission).days
        if pathway.closed_on is not None or days_in < 7 or rng.random() >= 0.8:
            continue
        child = pathway.stay.person
        kind = KINDS[turn % len(KINDS)]
        turn += 1
        gw = _gedragswetenschapper(child.organisation_id, actor)
        if gw is None or days_in < 14:
            kind = "draft"
        elif kind == "overdue" and days_in < 20 + interval.days + 5:
            kind = "adopted"
        elif kind == "evaluated" and days_in < 10 + interval.days + 3:
            kind = "adopted"
        domains = rng.sample(Domain.values, rng.randint(2, 4))
        goals = [{"domain": d, "description": rng.choice(GOALS[Domain(d)]), "start_score": rng.randint(1, 6)}
                 for d in domains]
        services.do_save_help_plan(pathway, goals=goals, child_view=rng.choice(CHILD_VIEWS),
                                   parent_view=rng.choice(PARENT_VIEWS), expected_version=0, actor=actor)
        plan = HelpPlan.objects.select_related("pathway__stay__person").get(pathway=pathway)
        plan_goals = list(plan.goals.order_by("order"))
        counts["goals"] += len(plan_goals)
        adopted_on = None
        if kind == "adopted":
            adopted_on = max(admission + 10 * DAY, last_day - rng.randint(1, interval.days - 3) * DAY)
        elif kind == "evaluated":
            rounds = min(3, max(1, (days_in - 10) // interval.days))
            adopted_on = max(admission + 10 * DAY, last_day - (rounds * interval.days + rng.randint(5, 20)) * DAY)
        elif kind == "overdue":
            adopted_on = admission + rng.randint(10, 20) * DAY
        if adopted_on is not None:
            adopted_on = min(adopted_on, last_day)
            services.do_adopt_help_plan(plan, adopted_on=adopted_on, expected_version=plan.version, actor=gw)
        # actions, some of them done
        start = adopted_on or admission + min(days_in, 10) * DAY
        for goal in plan_goals:
            for _ in range(rng.randint(1, 2)):
                due = start + rng.randint(7, 42) * DAY
                action = services.do_add_action(goal, who=rng.choice(WHO), what=ACTIONS[Domain(goal.domain)],
                                                due_on=due, actor=actor)
                counts["actions"] += 1
                if due <= last_day and rng.random() < 0.7:
                    done = max(start, min(last_day, due - rng.randint(0, 5) * DAY))
                    services.do_update_action(action, who=action.who, what=action.what, due_on=due, done_on=done,
                                              expected_version=action.version, actor=actor)
        # evaluations
        dates: list[datetime.date] = []
        if kind in ("evaluated", "overdue") and adopted_on is not None:
            dates = _evaluation_dates(adopted_on, last_day, rng)
            if kind == "overdue":  # the last evaluation was skipped: the next one is past due
                while dates and dates[-1] + interval >= last_day - 2 * DAY:
                    dates.pop()
        scores = {g.pk: g.start_score for g in plan_goals}
        for held_on in dates:
            scores = {pk: max(0, min(10, s + rng.randint(-1, 3))) for pk, s in scores.items()}
            services.do_record_evaluation(plan, held_on=held_on, scores=scores, notes=rng.choice(NOTES),
                                          child_view=rng.choice(CHILD_VIEWS), actor=actor)
            counts["evaluations"] += 1
        # guidance contacts over the stay
        for _ in range(rng.randint(2, 8)):
            contact_kind = rng.choice(ContactKind.values)
            served = rng.sample(plan_goals, rng.randint(0, min(2, len(plan_goals))))
            services.do_record_guidance_contact(
                pathway, date=admission + rng.randint(1, days_in) * DAY, kind=contact_kind,
                duration_minutes=rng.choice([20, 30, 45, 60, 90]), with_whom=WITH_WHOM[ContactKind(contact_kind)],
                notes=rng.choice(CONTACT_NOTES), goal_ids=[g.pk for g in served], actor=actor,
            )
            counts["contacts"] += 1
        counts["help_plans"] += 1
        counts[kind] += 1
    return counts
