"""The child's group courses for the dossier (the lead includes ``courses/_dossier.html``):
``courses_of(child)`` reads them in two queries whatever the number of courses (the enrolments, and their
measurements with the linked results). The child comes from a scoped query (the dossier's); the group's
meeting place is never loaded."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from veerkracht.screening.engine import definitions

from .models import Enrolment, EnrolmentStatus, Measurement, Session, SessionKind, Timepoint

TIMEPOINTS = (Timepoint.T0, Timepoint.T1, Timepoint.T2)

# the states of one score cell
ENTERED = "entered"  # a valid result: total (and band)
INVALID = "invalid"  # entered, but too many answers missing to score
PLANNED = "planned"  # not entered, due today or later
NOT_ENTERED = "not_entered"  # not entered and its date has passed (or the child dropped out)
NOT_PLANNED = "not_planned"  # no measurement at this time point (e.g. the child was too young for it)


@dataclass(frozen=True)
class ScoreCell:
    state: str
    total: int | None = None
    band: str = ""
    on: datetime.date | None = None  # the day it was filled in, or its due date


@dataclass
class ScoreRow:
    """One questionnaire of one course: the cells at T0, T1 and T2."""

    instrument_id: str
    label: str
    cells: list[ScoreCell] = field(default_factory=list)


def _band_label(inst: Any, code: str) -> str:
    total = getattr(inst, "total", None) if inst is not None else None
    for band in getattr(total, "bands", ()) or ():
        if band.code == code:
            return str(band.label)
    return ""


def _cell(measurement: Measurement | None, enrolment: Enrolment, inst: Any, today: datetime.date) -> ScoreCell:
    if measurement is None:
        return ScoreCell(NOT_PLANNED)
    result = measurement.administration
    if result is not None:
        if not result.valid:
            return ScoreCell(INVALID, on=result.administered_on)
        return ScoreCell(ENTERED, total=result.total, band=_band_label(inst, result.band) if result.band else "",
                         on=result.administered_on)
    if enrolment.status == EnrolmentStatus.DROPPED_OUT or measurement.due_on < today:
        return ScoreCell(NOT_ENTERED, on=measurement.due_on)
    return ScoreCell(PLANNED, on=measurement.due_on)


def score_rows(enrolment: Enrolment, today: datetime.date | None = None) -> list[ScoreRow]:
    """The child's T0/T1/T2 scores per questionnaire of one course, from the prefetched measurements (no
    queries)."""
    today = today or timezone.localdate()
    registry = definitions.registry()
    by_instrument: dict[str, dict[str, Measurement]] = {}
    for measurement in getattr(enrolment, "course_measurements", []):
        by_instrument.setdefault(measurement.instrument_id, {})[measurement.timepoint] = measurement
    rows = []
    for instrument_id in sorted(by_instrument):
        inst = registry.get(instrument_id)
        rows.append(ScoreRow(
            instrument_id=instrument_id, label=inst.label if inst is not None else instrument_id,
            cells=[_cell(by_instrument[instrument_id].get(tp), enrolment, inst, today) for tp in TIMEPOINTS]))
    return rows


def courses_of(child: Any, today: datetime.date | None = None) -> list[Enrolment]:
    """The child's enrolments, newest first, each with ``attended`` (child sessions present, make-up
    sessions included), ``planned`` (child sessions of the course, without make-up sessions) and
    ``scores`` (``score_rows``: the T0/T1/T2 results per questionnaire)."""
    planned = (Session.objects.filter(group_id=OuterRef("group_id"), kind=SessionKind.CHILD, is_makeup=False)
               .order_by().values("group_id").annotate(n=Count("pk")).values("n"))
    measurements = (Measurement.objects.select_related("administration")
                    .defer("administration__note", "administration__answers", "administration__scale_scores")
                    .order_by("instrument_id", "timepoint"))
    enrolments = list(
        Enrolment.objects.filter(child=child)
        .select_related("group__template", "group__organisation").defer("group__meeting_place")
        .annotate(attended=Count("attendances", filter=Q(attendances__present=True,
                                                         attendances__session__kind=SessionKind.CHILD)),
                  planned=Coalesce(Subquery(planned, output_field=IntegerField()), 0))
        .prefetch_related(Prefetch("measurements", queryset=measurements, to_attr="course_measurements"))
        .order_by("-group__start_date", "-pk"))
    for enrolment in enrolments:
        enrolment.scores = score_rows(enrolment, today)  # type: ignore[attr-defined]
    return enrolments
