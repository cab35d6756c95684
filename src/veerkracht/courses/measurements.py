"""Measurements of a group course: T0 before the first session, T1 after the last session, T2 six months
after the last session. Each measurement is a screening questionnaire, entered through
screening.services.do_record_administration and then linked to the planned measurement."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients.models import age_on
from veerkracht.core.concurrency import save_with_version
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import EDITING_ROLES, check_can_edit
from veerkracht.screening.engine import definitions
from veerkracht.screening.models import Administration
from veerkracht.screening.services import do_record_administration

from .models import (
    ACTIVE_ENROLMENT,
    CourseTemplate,
    Group,
    InstrumentReliability,
    Measurement,
    SessionKind,
    Timepoint,
)

FOLLOW_UP_MONTHS = 6
SOURCE_MAX = 300


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later; a day the month does not have becomes its last day
    (31 August + 6 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _child_session_dates(group: Group) -> list[datetime.date]:
    return sorted(
        group.sessions.filter(kind=SessionKind.CHILD, is_makeup=False).values_list("date", flat=True)
    )


def due_dates(group: Group) -> dict[str, datetime.date]:
    """T0: the date of the first children's session (measured before it starts); T1: the date of the last
    children's session (measured after it); T2: six months after the last session. Without planned
    sessions: weekly sessions from the start date, as many as the template has."""
    dates = _child_session_dates(group)
    if dates:
        first, last = dates[0], dates[-1]
    else:
        first = group.start_date
        last = first + datetime.timedelta(weeks=max(group.template.sessions - 1, 0))
    return {Timepoint.T0: first, Timepoint.T1: last, Timepoint.T2: add_months(last, FOLLOW_UP_MONTHS)}


def can_plan(actor: Any, group: Group) -> bool:
    """Workers with an editing role of the group's own organisation plan the measurements."""
    membership = getattr(actor, "membership_or_none", None)
    return bool(membership is not None and membership.role in EDITING_ROLES
                and membership.organisation_id == group.organisation_id)


def check_can_plan(actor: Any, group: Group) -> None:
    if not can_plan(actor, group):
        raise PermissionDenied


def instruments_for(group: Group, child: Any, day: datetime.date) -> list[str]:
    """The template's instruments that fit the child's age on ``day`` (unknown ids are left out)."""
    ids = []
    registry = definitions.registry()
    for instrument_id in group.template.instruments or []:
        inst = registry.get(instrument_id)
        if inst is not None and inst.fits_age(age_on(child.birth_date, day)):
            ids.append(instrument_id)
    return ids


def do_plan_measurements(group: Group, *, actor: Any) -> list[Measurement]:
    """Create the T0/T1/T2 measurements of every enrolled child (or move the due date of an open one when
    the sessions changed). Returns the measurements created."""
    check_can_plan(actor, group)
    dates = due_dates(group)
    created: list[Measurement] = []
    with transaction.atomic():
        enrolments = list(group.enrolments.filter(status__in=ACTIVE_ENROLMENT).select_related("child"))
        existing = {(m.enrolment_id, m.timepoint, m.instrument_id): m
                    for m in Measurement.objects.filter(enrolment__in=enrolments)}
        for enrolment in enrolments:
            for timepoint, due_on in dates.items():
                for instrument_id in instruments_for(group, enrolment.child, due_on):
                    measurement = existing.get((enrolment.pk, timepoint, instrument_id))
                    if measurement is None:
                        created.append(Measurement.objects.create(
                            enrolment=enrolment, timepoint=timepoint, instrument_id=instrument_id, due_on=due_on))
                    elif measurement.administration_id is None and measurement.due_on != due_on:
                        measurement.due_on = due_on
                        measurement.save(update_fields=["due_on", "updated_at"])
        record(actor=actor, action=Action.CREATE, obj=group, changed_fields=["measurements"],
               detail=f"course measurements planned: {len(created)}")
    return created


def open_pathway(child: Any) -> Pathway | None:
    return (Pathway.objects.filter(stay__person=child, closed_on__isnull=True).select_related("stay__person")
            .order_by("-created_at").first())


def measurement_pathway(child: Any) -> Pathway | None:
    """The pathway a course measurement is entered on: the child's open pathway, else its most recent one,
    closed at discharge (ADR 0013: T1 and T2 often fall after the child has left the shelter)."""
    return (Pathway.objects.filter(stay__person=child).select_related("stay__person")
            .order_by(F("closed_on").desc(nulls_first=True), "-created_at", "-pk").first())


def do_record_measurement(
    measurement: Measurement, *, actor: Any, administered_on: datetime.date | None,
    answers: dict[str, Any] | None = None, scale_scores: dict[str, Any] | None = None,
    subject: Any = None, note: str = "",
) -> Measurement:
    """Enter the questionnaire of a planned measurement and link the result to the measurement. The screening
    rules apply (a worker who may edit the child's record: an editing role of the child's own organisation),
    on the child's open pathway or, after discharge, on its most recent pathway (ADR 0013): only a planned
    measurement is entered there, through this service; the closed pathway stays read-only otherwise."""
    if measurement.administration_id is not None:
        raise ValidationError(_("This measurement has already been entered."), code="done")
    child = measurement.enrolment.child
    check_can_edit(actor, child)
    pathway = measurement_pathway(child)
    if pathway is None:
        raise ValidationError(
            _("This child has no open pathway, so the measurement cannot be entered."), code="no_pathway")
    after_discharge = pathway.closed_on is not None
    with transaction.atomic():
        administration = do_record_administration(
            pathway, instrument_id=measurement.instrument_id, administered_on=administered_on, actor=actor,
            answers=answers, scale_scores=scale_scores, subject=subject, note=note,
            course_measurement=after_discharge)
        updated = Measurement.objects.filter(pk=measurement.pk, administration__isnull=True).update(
            administration=administration)
        if not updated:
            raise ValidationError(_("This measurement has already been entered."), code="done")
        measurement.refresh_from_db()
        record(actor=actor, action=Action.UPDATE, obj=measurement, client=child, changed_fields=["administration"],
               detail=f"course measurement {measurement.timepoint} {measurement.instrument_id}"
               + (" after discharge" if after_discharge else ""))
    return measurement


def candidates(measurement: Measurement) -> list[Administration]:
    """The child's valid results of the measurement's instrument not linked to another measurement, newest
    first (the caller checks that the user may see the child)."""
    return list(Administration.objects.filter(
        subject_id=measurement.enrolment.child_id, instrument_id=measurement.instrument_id, valid=True,
        course_measurements__isnull=True).order_by("-administered_on", "-pk"))


def do_link_measurement(measurement: Measurement, *, administration: Administration, expected_version: int,
                        actor: Any) -> Measurement:
    """Link a questionnaire entered on the screening page to the planned measurement."""
    child = measurement.enrolment.child
    check_can_edit(actor, child)
    if (administration.subject_id != child.pk or administration.instrument_id != measurement.instrument_id
            or not administration.valid):
        raise ValidationError(_("Choose a valid result of this questionnaire about this child."), code="administration")
    if administration.course_measurements.exclude(pk=measurement.pk).exists():
        raise ValidationError(_("This result is already linked to another measurement."), code="linked")
    with transaction.atomic():
        measurement.administration = administration
        save_with_version(measurement, expected_version, ["administration"])
        record(actor=actor, action=Action.UPDATE, obj=measurement, client=child, changed_fields=["administration"],
               detail=f"course measurement {measurement.timepoint} {measurement.instrument_id}")
    return measurement


RELIABILITY_ROLES = frozenset({Role.GEDRAGSWETENSCHAPPER})


def can_set_reliability(actor: Any) -> bool:
    membership = getattr(actor, "membership_or_none", None)
    return bool(membership is not None and membership.role in RELIABILITY_ROLES and membership.organisation_id)


def do_set_reliability(template: CourseTemplate, *, instrument_id: str, reliability: Any, source: str,
                       actor: Any) -> InstrumentReliability:
    """The behavioural scientist sets the reliability r (0 to below 1) of one of the course's instruments
    for the own organisation, with its source."""
    if not can_set_reliability(actor):
        raise PermissionDenied
    errors = []
    if instrument_id not in (template.instruments or []):
        errors.append(ValidationError(_("This questionnaire is not one of the course's instruments."), code="instrument"))
    try:
        value = Decimal(str(reliability).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or not Decimal(0) <= value < Decimal(1) or value.as_tuple().exponent < -3:
        errors.append(ValidationError(_("Enter the reliability as a number from 0 to below 1, e.g. 0.85."),
                                      code="reliability"))
    source = " ".join(str(source or "").split())
    if not source:
        errors.append(ValidationError(_("Say where the reliability comes from."), code="source"))
    elif len(source) > SOURCE_MAX:
        errors.append(ValidationError(_("The text is too long."), code="length"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        setting, created = InstrumentReliability.objects.update_or_create(
            organisation_id=actor.membership_or_none.organisation_id, template=template, instrument_id=instrument_id,
            defaults={"reliability": value, "source": source})
        record(actor=actor, action=Action.CREATE if created else Action.UPDATE, obj=setting,
               changed_fields=["reliability", "source"], detail=f"course reliability {instrument_id}")
    return setting
