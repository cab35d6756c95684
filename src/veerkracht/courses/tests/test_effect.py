"""The effect report numbers: a group worked out by hand, invalid results, the template report across groups."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from veerkracht.courses import effect
from veerkracht.courses.models import (
    CourseTemplate,
    Enrolment,
    Group,
    InstrumentReliability,
    Measurement,
)
from veerkracht.screening.models import Administration

INSTRUMENT = "cats-self-7-17"  # cut-off 21 (probable PTSD)


@pytest.fixture
def course(db):  # type: ignore[no-untyped-def]
    return CourseTemplate.objects.create(code="test-course", name="Testcursus", min_age=6, max_age=12, sessions=3,
                                         minutes=90, max_children=8, instruments=[INSTRUMENT])


def make_group(course, organisation, name="Groep Noord"):  # type: ignore[no-untyped-def]
    return Group.objects.create(template=course, organisation=organisation, name=name,
                                start_date=datetime.date(2026, 9, 1), max_children=8)


def measured(group, child, scores):  # type: ignore[no-untyped-def]
    """Enrol ``child`` and store its totals per time point ({"T0": 30, "T1": None (planned, not done)})."""
    enrolment = Enrolment.objects.create(group=group, child=child)
    pathway = child.stays.get().pathway
    for timepoint, total in scores.items():
        administration = None
        if total is not None:
            administration = Administration.objects.create(
                pathway=pathway, subject=child, instrument_id=INSTRUMENT, instrument_version="1",
                respondent="child", administered_on=timezone.localdate(), valid=True, total=total)
        Measurement.objects.create(enrolment=enrolment, timepoint=timepoint, instrument_id=INSTRUMENT,
                                   due_on=datetime.date(2026, 9, 1), administration=administration)
    return enrolment


@pytest.fixture
def hand_group(course, org_a, make_child):  # type: ignore[no-untyped-def]
    """The data set of test_stats: T0 30/24/18/12, T1 20/22/10/24, T2 16/20/12/- ."""
    group = make_group(course, org_a)
    names = ["Anna", "Bas", "Cas", "Dirk"]
    t0, t1, t2 = [30, 24, 18, 12], [20, 22, 10, 24], [16, 20, 12, None]
    for name, a, b, c in zip(names, t0, t1, t2, strict=True):
        measured(group, make_child(first_name=name, last_name="Visser"), {"T0": a, "T1": b, "T2": c})
    return group


def test_group_report_numbers_by_hand(hand_group):
    InstrumentReliability.objects.create(organisation=hand_group.organisation, template=hand_group.template,
                                         instrument_id=INSTRUMENT,
                                         reliability=Decimal("0.800"), source="Testbron 2020")
    [report] = effect.group_report(hand_group)
    assert report.cutoff == 21
    t0, t1, t2 = report.timepoints
    assert (t0.planned, t0.n, t0.mean) == (4, 4, 21)  # 84 / 4
    assert t0.sd == pytest.approx(60 ** 0.5)  # squares 180 / 3 = 60
    assert t0.below_cutoff is None  # not reported at T0
    assert (t1.n, t1.mean, t1.below_cutoff) == (4, 19, 0.5)  # 76 / 4; 20 and 10 below 21
    assert (t2.planned, t2.n, t2.mean, t2.below_cutoff) == (4, 3, 16, 1.0)  # 48 / 3; all below 21
    to_t1, to_t2 = report.changes
    assert (to_t1.n, to_t1.change) == (4, -2)  # (-10 - 2 - 8 + 12) / 4
    assert to_t1.d == pytest.approx(-2 / 60 ** 0.5)
    # RCI with the group's T0 SD sqrt(60) and r 0.8: S_diff sqrt(24) = 4.899 -> -2.04, -0.41, -1.63, +2.45
    assert (to_t1.rci.improved, to_t1.rci.unchanged, to_t1.rci.deteriorated) == (1, 2, 1)
    # T0-T2 changes -14, -4, -6 -> RCI -2.86, -0.82, -1.22: 1 improved, 2 unchanged
    assert (to_t2.n, to_t2.change) == (3, -8)
    assert (to_t2.rci.improved, to_t2.rci.unchanged, to_t2.rci.deteriorated) == (1, 2, 0)
    # at T1 22 (Bas) and 24 (Dirk) are at or above 21
    assert sorted(a.score for a in report.above_at_t1) == [22, 24]


def test_no_reliability_no_rci(hand_group):
    [report] = effect.group_report(hand_group)
    assert report.reliability is None and all(change.rci is None for change in report.changes)
    assert report.changes[0].d is not None


def test_an_invalid_or_missing_result_is_not_counted(course, org_a, make_child):
    group = make_group(course, org_a)
    enrolment = measured(group, make_child(), {"T0": 25, "T1": None})
    Administration.objects.update(valid=False, total=None, invalid_reason="te veel ontbrekende antwoorden")
    [report] = effect.group_report(group)
    assert [(r.planned, r.n) for r in report.timepoints] == [(1, 0), (1, 0), (0, 0)]
    assert enrolment.measurements.count() == 2


def test_template_report_covers_only_the_own_organisations_groups(course, org_a, org_b, make_child, location_b):
    first = make_group(course, org_a)
    second = make_group(course, org_a, name="Groep Oost")
    measured(first, make_child(), {"T0": 30, "T1": 20})
    measured(second, make_child(), {"T0": 20, "T1": 16})
    other = make_group(course, org_b, name="Groep Zuid")
    measured(other, make_child(organisation=org_b, location=location_b), {"T0": 40, "T1": 40})
    [report], groups = effect.template_report(course, org_a.pk)
    assert groups == 2
    assert (report.timepoints[0].n, report.timepoints[0].mean) == (2, 25)
    assert report.changes[0].change == -7  # (-10 - 4) / 2
