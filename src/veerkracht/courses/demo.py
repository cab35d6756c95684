"""Synthetic group courses for the demo (never real data), written through the services (audited).

``seed(pathways, actor=..., today=..., rng=...)`` opens, for the actor's organisation, two completed
groups ("En nu ik...!" and "Storm en Spetters", with attendance of every session, a dropout and a
make-up session) and one running group ("Jij hoort erbij", open to the region, sessions so far
recorded). Children are enrolled when their age fits and the consent for the help plan is complete
(run it after the consent demo). Deterministic for a given ``rng``; returns counts."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from . import services
from .models import CourseTemplate, DropoutReason, EnrolmentStatus, GroupStatus, Session, SessionKind

DAY = datetime.timedelta(days=1)
# (template code, group name, days before today of the first session, status, open to the region)
PLAN = [
    ("en-nu-ik", "En nu ik...! voorjaar", 150, GroupStatus.COMPLETED, False),
    ("storm-en-spetters", "Storm en Spetters zomer", 110, GroupStatus.COMPLETED, False),
    ("jij-hoort-erbij", "Jij hoort erbij najaar", 22, GroupStatus.RUNNING, True),
]
PLACES = ["Buurthuis De Ster, zaal 2", "Speellokaal De Regenboog", "Wijkcentrum Het Anker, groepsruimte"]
NOTES = ["Rustige bijeenkomst; de kinderen deden goed mee.", "Veel onrust in de groep, extra pauze gehouden.",
         "Twee kinderen vertelden voor het eerst iets over thuis.", ""]


def _children(pathways: list[Any]) -> list[Any]:
    return [p.stay.person for p in pathways if p.closed_on is None and p.stay.person.kind == "child"]


def _record(session: Session, *, rng: random.Random, actor: Any) -> int:
    pairs = services.attendees(session)
    chance = 0.85 if session.kind == SessionKind.CHILD else 0.7
    present = {(e.pk, p.pk): rng.random() < chance for e, p in pairs}
    services.do_record_attendance(session, present=present, expected_version=session.version, actor=actor,
                                  notes=rng.choice(NOTES))
    return sum(present.values())


def seed(pathways: list[Any], *, actor: Any, today: datetime.date, rng: random.Random) -> dict[str, int]:
    today = min(today, timezone.localdate())  # attendance is never recorded for a day in the future
    counts = dict.fromkeys(["groups", "enrolments", "waiting", "dropouts", "makeups", "sessions_recorded",
                            "present"], 0)
    children = _children(pathways)
    region = actor.membership_or_none.organisation.regions.first()
    for code, name, days_ago, status, open_to_region in PLAN:
        template = CourseTemplate.objects.filter(code=code, organisation=None).first()
        if template is None:
            continue
        group = services.do_create_group(
            template=template, name=name, start_date=today - days_ago * DAY, actor=actor, trainers=[actor],
            meeting_place=rng.choice(PLACES), region=region if open_to_region else None)
        counts["groups"] += 1
        enrolled = []
        for child in rng.sample(children, len(children)):
            if len(enrolled) >= template.max_children + 1:
                break
            try:
                enrolment = services.do_enrol(group, child=child, actor=actor)
            except ValidationError:  # wrong age or consent not complete: not for this group
                continue
            enrolled.append(enrolment)
            counts["enrolments"] += 1
            counts["waiting"] += enrolment.status == EnrolmentStatus.WAITING
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
        if status == GroupStatus.COMPLETED and len(child_sessions) > 2:
            missed = child_sessions[2]
            makeup = services.do_add_makeup_session(group, date=missed.date + 2 * DAY, makeup_for=missed, actor=actor)
            counts["makeups"] += 1
            counts["present"] += _record(makeup, rng=rng, actor=actor)
            counts["sessions_recorded"] += 1
        group.refresh_from_db()
        group = services.do_change_group_status(group, status=GroupStatus.RUNNING, expected_version=group.version,
                                                actor=actor)
        if status == GroupStatus.COMPLETED:
            services.do_change_group_status(group, status=status, expected_version=group.version, actor=actor)
    return counts
