"""Synthetic group courses for the demo (never real data), written through the services (audited).

``seed(pathways, actor=..., today=..., rng=...)`` opens, for the actor's organisation, completed groups
("En nu ik...!" twice, "Storm en Spetters"; attendance of every session, a dropout and a make-up session)
and one running group ("Jij hoort erbij", open to the region, sessions so far recorded). A child joins one
group, only when its age fits and it was in care before the group's first session (so T0 is measured
before the course); in a completed group one of the course's questionnaires fits the child. The consent
for the help plan must be complete (run it after the consent demo): for a completed group, a week before
the start, the worker checked an authority still to be checked and the parents gave what was not recorded
yet - not where someone refused, and not for the consent demo's child with an unknown authority; the
running group takes only children whose consent is complete.

Measurements: planned for every enrolled child; T0, T1 and - where its due date has passed - T2 entered
through ``measurements.do_record_measurement`` (scored by the screening engine) with synthetic answers:
most children improve and stay improved, a few do not change, one gets worse, some start above the
cut-off and a couple stay above it at T1. A T2 whose due date lies ahead stays planned. The oldest group
("En nu ik...! voorjaar", T2 past) is opened only when at least two children fit it, i.e. were in care
long before. The demo's gedragswetenschapper sets the reliability r of every course instrument (an
example value, said so in its source) and decides the signals of the course measurements, except the
latest one. Deterministic for a given ``rng``; returns counts."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.clients.models import age_on
from veerkracht.screening import services as screening_services
from veerkracht.screening.engine import definitions
from veerkracht.screening.models import Decision

from . import measurements, services
from .models import (
    CourseTemplate,
    DropoutReason,
    EnrolmentStatus,
    GroupStatus,
    Measurement,
    Session,
    SessionKind,
    Timepoint,
)

DAY = datetime.timedelta(days=1)
# (template code, group name, days before today of the first session, status, open to the region, fewest
# children: a group that fewer children fit is not opened)
PLAN = [
    ("en-nu-ik", "En nu ik...! groep 1", 270, GroupStatus.COMPLETED, False, 2),  # T2 was due about 6 weeks ago
    ("en-nu-ik", "En nu ik...! groep 2", 63, GroupStatus.COMPLETED, False, 2),  # T1 a week ago, T2 ahead
    ("storm-en-spetters", "Storm en Spetters groep 1", 49, GroupStatus.COMPLETED, False, 2),  # 7 sessions
    ("jij-hoort-erbij", "Jij hoort erbij groep 1", 22, GroupStatus.RUNNING, True, 1),
]
PLACES = ["Buurthuis De Ster, zaal 2", "Speellokaal De Regenboog", "Wijkcentrum Het Anker, groepsruimte"]
NOTES = ["Rustige bijeenkomst; de kinderen deden goed mee.", "Veel onrust in de groep, extra pauze gehouden.",
         "Twee kinderen vertelden voor het eerst iets over thuis.", ""]
MEASUREMENT_NOTES = ["Voor de eerste bijeenkomst ingevuld met de kinderwerker.",
                     "Ingevuld na de laatste bijeenkomst.", "Moeder vulde de lijst in op de groepslocatie.", ""]
# The symptom total as a share of the highest total at T0, T1 and T2. CATS cut-off: 21 of 60 (0.35),
# 16 of 48 (0.33) for the young children.
PROFILES = {  # a moderate effect on the whole; a few children change reliably
    "improves": (0.45, 0.33, 0.30),
    "improves_much": (0.56, 0.30, 0.27),
    "stays_high": (0.62, 0.50, 0.47),
    "unchanged": (0.30, 0.29, 0.30),
    "worse": (0.24, 0.37, 0.40),
    "low": (0.16, 0.13, 0.12),
    "improves_late": (0.45, 0.39, 0.28),
}
# the first children in turn; the rest improve (one in three stays about the same)
PROFILE_ORDER = ["improves", "stays_high", "improves_much", "unchanged", "improves", "worse", "improves_much",
                 "low", "stays_high", "improves_late"]
LATER_PROFILES = ["improves", "improves_much", "unchanged", "improves_late", "improves", "low"]
RELIABILITY = "0.85"
RELIABILITY_SOURCE = "Voorbeeldwaarde voor de demo (synthetisch), geen gepubliceerde betrouwbaarheid"
SIGNAL_REASONS = {
    Decision.GUIDANCE: "Kind start in de groepscursus; na de laatste bijeenkomst (T1) opnieuw bekijken.",
    Decision.TRAUMA_REFERRAL: "Klachten blijven hoog na de groepscursus; traumabehandeling besproken met moeder.",
}
TO_WHOM = ["Traumacentrum Kind en Jeugd", "GGZ Jeugd De Brug"]
CONSENT_NOTES = ["Toestemming gegeven bij het kennismakingsgesprek voor de groep.", ""]


def _children(pathways: list[Any]) -> list[Any]:
    """The open pathways of children."""
    return [p for p in pathways if p.closed_on is None and p.stay.person.kind == "child"]


def _measurable(template: CourseTemplate, child: Any, day: datetime.date) -> bool:
    """Does one of the course's questionnaires fit the child's age on ``day``?"""
    age = age_on(child.birth_date, day)
    registry = definitions.registry()
    return any(registry[i].fits_age(age) for i in template.instruments or [] if i in registry)


def _complete_consent(pathway: Any, *, on: datetime.date, actor: Any, rng: random.Random) -> int:
    """Before the course the worker checked the parents' authority where it was still to be checked (a
    father whose authority was unknown has none, a mother has it) and the parents (and a child of 12 or
    older) gave the consent for the help plan not recorded yet. Returns the number of consent records; none
    where someone refused or the consent rules refuse it on that day, e.g. a child who was under 12 then (the
    child is then not enrolled; nothing is kept)."""
    try:
        with transaction.atomic():
            return _give_consent(pathway, on=on, actor=actor, rng=rng)
    except (PermissionDenied, ValidationError):
        return 0


def _give_consent(pathway: Any, *, on: datetime.date, actor: Any, rng: random.Random) -> int:
    from veerkracht.clients.models import Authority, PersonKind
    from veerkracht.clients.services import do_update_authority
    from veerkracht.consent.queries import parent_links, status_for_pathway
    from veerkracht.consent.services import do_record_consent

    def incomplete() -> list[Any]:
        statuses = status_for_pathway(pathway)
        return [statuses[code] for code in services.CONSENT_CODES if code in statuses
                and not statuses[code].is_complete]

    statuses = incomplete()
    if any(status.refused for status in statuses):
        return 0
    to_check = {person.pk for status in statuses for person in status.to_check}
    if to_check:
        for link in parent_links(pathway.stay.person):
            if link.parent_id in to_check:
                authority = link.authority
                if authority == Authority.UNKNOWN:
                    authority = Authority.NO if link.parent.kind == PersonKind.FATHER else Authority.YES
                do_update_authority(link, authority=authority, checked_on=on, expected_version=link.version,
                                    actor=actor)
        statuses = incomplete()
    missing = [(status.code, person) for status in statuses for person in status.missing]
    for code, person in missing:
        do_record_consent(pathway, subject_code=code, given_by=person, decision="given", date=on, how="in_person",
                          note=rng.choice(CONSENT_NOTES), actor=actor)
    return len(missing)


def _authority_showcase(pathways: list[Any], today: datetime.date) -> int | None:
    """The consent demo shows one child under 16 whose parent's authority is still unknown (the first such
    pathway): the course demo leaves it as it is."""
    from veerkracht.clients.models import Authority, ParentChild

    for pathway in pathways:
        age = age_on(pathway.stay.person.birth_date, today)
        if age is not None and age < 16 and ParentChild.objects.filter(
                child_id=pathway.stay.person_id, authority=Authority.UNKNOWN).exists():
            return pathway.pk
    return None


def _record(session: Session, *, rng: random.Random, actor: Any) -> int:
    pairs = services.attendees(session)
    chance = 0.85 if session.kind == SessionKind.CHILD else 0.7
    present = {(e.pk, p.pk): rng.random() < chance for e, p in pairs}
    services.do_record_attendance(session, present=present, expected_version=session.version, actor=actor,
                                  notes=rng.choice(NOTES))
    return sum(present.values())


def _gedragswetenschapper(organisation_id: int) -> Any:
    return get_user_model().objects.filter(
        is_active=True, membership__organisation_id=organisation_id, membership__role=Role.GEDRAGSWETENSCHAPPER,
    ).order_by("pk").first()


def _answers(instrument_id: str, share: float, rng: random.Random) -> dict[str, str]:
    """Answers whose symptom total lies around ``share`` of the highest total; events and functioning
    answered too (more problems in daily life with more symptoms)."""
    inst = definitions.registry()[instrument_id]
    scored = [item for item in inst.items if item.scored]
    tops = {item.link_id: item.max_score for item in scored}
    highest = sum(tops.values())
    total = max(0, min(highest, round(share * highest + rng.gauss(0, 1.5))))
    values = dict.fromkeys(tops, 0)
    for _point in range(total):
        link_id = rng.choice([key for key, value in values.items() if value < tops[key]])
        values[link_id] += 1
    answers = {}
    for item in inst.items:
        by_score = {option.score: option.code for option in item.options}
        if item.scored:
            answers[item.link_id] = by_score[values[item.link_id]]
        else:
            chance = 0.55 if item.link_id.startswith("e") else share  # events; functioning follows the symptoms
            answers[item.link_id] = by_score[max(by_score) if rng.random() < chance else min(by_score)]
    return answers


def _when(measurement: Measurement, admitted: datetime.date, today: datetime.date, rng: random.Random
          ) -> datetime.date:
    """The day it was filled in: T0 in the days before the first session (not before admission), T1 and T2
    in the days after their due date (not after today)."""
    if measurement.timepoint == Timepoint.T0:
        return max(admitted, measurement.due_on - rng.randint(0, 4) * DAY)
    return min(today, measurement.due_on + rng.randint(0, 9) * DAY)


class _Measuring:
    """Enters the measurements of the demo's groups and remembers the results for the signal decisions."""

    def __init__(self, *, actor: Any, today: datetime.date, rng: random.Random) -> None:
        self.actor, self.today, self.rng = actor, today, rng
        self.profiles: dict[int, str] = {}  # enrolment id -> profile
        self.admitted: dict[int, datetime.date] = {}  # child id -> admission date
        self.clinical: list[tuple[Any, str]] = []  # (administration, time point)
        self.counts = dict.fromkeys(["measurements_planned", "measurements_entered", "clinical"], 0)

    def profile(self, enrolment: Any) -> str:
        if enrolment.pk not in self.profiles:
            turn = len(self.profiles)
            self.profiles[enrolment.pk] = (PROFILE_ORDER[turn] if turn < len(PROFILE_ORDER)
                                           else self.rng.choice(LATER_PROFILES))
        return self.profiles[enrolment.pk]

    def plan(self, group: Any) -> None:
        self.counts["measurements_planned"] += len(measurements.do_plan_measurements(group, actor=self.actor))

    def enter(self, group: Any, timepoint: str) -> None:
        """Enter ``timepoint`` for the children still in the group, when its due date has passed."""
        index = [Timepoint.T0, Timepoint.T1, Timepoint.T2].index(timepoint)
        planned = (Measurement.objects.filter(enrolment__group=group, timepoint=timepoint, administration__isnull=True,
                                              enrolment__status__in=(EnrolmentStatus.ENROLLED,
                                                                     EnrolmentStatus.COMPLETED))
                   .select_related("enrolment__child").order_by("enrolment_id", "instrument_id"))
        for measurement in planned:
            if measurement.due_on > self.today:
                continue
            share = PROFILES[self.profile(measurement.enrolment)][index]
            if measurement.instrument_id.startswith("cats-caregiver"):  # the parent sees it a little differently
                share += self.rng.uniform(-0.06, 0.06)
            entered = measurements.do_record_measurement(
                measurement, actor=self.actor, note=self.rng.choice(MEASUREMENT_NOTES),
                administered_on=_when(measurement, self.admitted[measurement.enrolment.child_id], self.today,
                                      self.rng),
                answers=_answers(measurement.instrument_id, max(0.0, share), self.rng))
            self.counts["measurements_entered"] += 1
            if entered.administration.clinical:
                self.counts["clinical"] += 1
                self.clinical.append((entered.administration, timepoint))

    def decide(self, gedragswetenschapper: Any) -> int:
        """The gedragswetenschapper decided the signals of the course measurements (guidance before the
        course, trauma treatment for a child still high after it); the latest stays open on her worklist."""
        decided = 0
        for number, (administration, timepoint) in enumerate(self.clinical[:-1]):
            signal = getattr(administration, "signal", None)
            if signal is None or signal.decision:
                continue
            decision = Decision.GUIDANCE if timepoint == Timepoint.T0 else Decision.TRAUMA_REFERRAL
            screening_services.do_decide_signal(
                signal, decision=decision, reason=SIGNAL_REASONS[decision], expected_version=signal.version,
                decided_on=min(self.today, administration.administered_on + self.rng.randint(1, 6) * DAY),
                to_whom=TO_WHOM[number % len(TO_WHOM)] if decision == Decision.TRAUMA_REFERRAL else "",
                actor=gedragswetenschapper)
            decided += 1
        return decided


def seed(pathways: list[Any], *, actor: Any, today: datetime.date, rng: random.Random) -> dict[str, int]:
    today = min(today, timezone.localdate())  # attendance is never recorded for a day in the future
    counts = dict.fromkeys(["groups", "enrolments", "waiting", "dropouts", "makeups", "sessions_recorded",
                            "present", "reliabilities", "signals_decided", "consent_records"], 0)
    children = _children(pathways)
    showcase = _authority_showcase(children, today)
    measuring = _Measuring(actor=actor, today=today, rng=rng)
    measuring.admitted = {p.stay.person_id: p.stay.admission_date for p in children}
    organisation = actor.membership_or_none.organisation
    region = organisation.regions.first()
    taken: set[int] = set()  # a child joins one group
    measured_templates: list[CourseTemplate] = []
    for code, name, days_ago, status, open_to_region, fewest in PLAN:
        template = CourseTemplate.objects.filter(code=code, organisation=None).first()
        if template is None:
            continue
        start = today - days_ago * DAY
        completed = status == GroupStatus.COMPLETED
        # in care before the first session, of the course's ages; in a completed group one of its
        # questionnaires fits (the effect report counts them)
        fitting = [p for p in rng.sample(children, len(children))
                   if p.stay.person_id not in taken and p.stay.admission_date <= start
                   and p.stay.person.birth_date is not None
                   and template.min_age <= (age_on(p.stay.person.birth_date, start) or 0) <= template.max_age
                   and (not completed or _measurable(template, p.stay.person, start))]
        if len(fitting) < fewest:
            continue  # not enough children were in care then
        group = services.do_create_group(
            template=template, name=name, start_date=start, actor=actor, trainers=[actor],
            meeting_place=rng.choice(PLACES), region=region if open_to_region else None)
        counts["groups"] += 1
        enrolled = []
        for pathway in fitting:
            child = pathway.stay.person
            if len(enrolled) >= template.max_children + 1:
                break
            if completed and pathway.pk != showcase:
                consent_on = max(pathway.stay.admission_date, start - 7 * DAY)
                counts["consent_records"] += _complete_consent(pathway, on=consent_on, actor=actor, rng=rng)
            try:
                enrolment = services.do_enrol(group, child=child, actor=actor)
            except ValidationError:  # consent not complete: not for this group
                continue
            taken.add(child.pk)
            enrolled.append(enrolment)
            counts["enrolments"] += 1
            counts["waiting"] += enrolment.status == EnrolmentStatus.WAITING
        measuring.plan(group)
        measuring.enter(group, Timepoint.T0)
        sessions = list(group.sessions.filter(date__lte=today).order_by("date", "kind", "number"))
        active = [e for e in enrolled if e.status == EnrolmentStatus.ENROLLED]
        dropout_after = sessions[len(sessions) // 2] if sessions else None
        for session in sessions:
            counts["present"] += _record(session, rng=rng, actor=actor)
            counts["sessions_recorded"] += 1
            if session == dropout_after and len(active) > 2:
                dropping = active.pop()
                services.do_drop_out(dropping, reason=rng.choice(DropoutReason.values), on=session.date + DAY,
                                     expected_version=dropping.version, actor=actor)
                counts["dropouts"] += 1
        child_sessions = [s for s in sessions if s.kind == SessionKind.CHILD]
        if completed and len(child_sessions) > 2:
            missed = child_sessions[2]
            makeup = services.do_add_makeup_session(group, date=missed.date + 2 * DAY, makeup_for=missed, actor=actor)
            counts["makeups"] += 1
            counts["present"] += _record(makeup, rng=rng, actor=actor)
            counts["sessions_recorded"] += 1
        group.refresh_from_db()
        group = services.do_change_group_status(group, status=GroupStatus.RUNNING, expected_version=group.version,
                                                actor=actor)
        if completed:
            services.do_change_group_status(group, status=status, expected_version=group.version, actor=actor)
            measuring.enter(group, Timepoint.T1)
            measuring.enter(group, Timepoint.T2)  # only where six months have passed; otherwise it stays planned
            if template not in measured_templates:
                measured_templates.append(template)
    gedragswetenschapper = _gedragswetenschapper(organisation.pk)
    if gedragswetenschapper is not None:
        for template in measured_templates:
            for instrument_id in template.instruments or []:
                measurements.do_set_reliability(template, instrument_id=instrument_id, reliability=RELIABILITY,
                                                source=RELIABILITY_SOURCE, actor=gedragswetenschapper)
                counts["reliabilities"] += 1
        counts["signals_decided"] = measuring.decide(gedragswetenschapper)
    counts.update(measuring.counts)
    return counts

