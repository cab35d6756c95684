"""The effect report of group courses: per group, and per course template across the organisation's groups.

Per instrument of the template: the number of children measured at T0/T1/T2, mean and SD per time point,
the change T0-T1 and T0-T2 over the children measured at both, Cohen's d (against the T0 SD, see stats),
the reliable change (RCI with the T0 SD of the children in the report and the reliability r set for the
template and instrument; without r no RCI is shown) and the share below the cut-off at T1 and T2.
Only valid questionnaire results count."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.screening.engine import definitions

from . import stats
from .models import CourseTemplate, Group, InstrumentReliability, Measurement, Timepoint

TIMEPOINTS = (Timepoint.T0, Timepoint.T1, Timepoint.T2)


def organisation_id(user: Any) -> int | None:
    membership = getattr(user, "membership_or_none", None)
    if membership is None or membership.role not in CLIENT_ROLES:
        return None
    return membership.organisation_id


def get_report_group(user: Any, pk: Any) -> Group:
    """A group of the user's own organisation (404 otherwise)."""
    return get_object_or_404(Group.objects.filter(organisation_id=organisation_id(user))
                             .select_related("template").defer("meeting_place"), pk=pk)


def get_report_template(user: Any, pk: Any) -> CourseTemplate:
    """A template the user's organisation may use (shipped or its own; 404 otherwise). The report covers
    only the organisation's own groups."""
    own = organisation_id(user)
    if own is None:
        return get_object_or_404(CourseTemplate.objects.none(), pk=pk)
    return get_object_or_404(CourseTemplate.objects.filter(organisation__isnull=True)
                             | CourseTemplate.objects.filter(organisation_id=own), pk=pk)


def cutoff(instrument_id: str) -> int | None:
    """The lowest score of the clinical range of the instrument's total (None when it has none)."""
    inst = definitions.registry().get(instrument_id)
    if inst is None or inst.total is None:
        return None
    lows = [band.low for band in inst.total.bands if band.clinical]
    return min(lows) if lows else None


def instrument_label(instrument_id: str) -> str:
    inst = definitions.registry().get(instrument_id)
    return inst.label if inst is not None else instrument_id


@dataclass
class TimepointRow:
    timepoint: str
    label: str
    planned: int
    n: int
    mean: float | None
    sd: float | None
    below_cutoff: float | None


@dataclass
class ChangeRow:
    label: str  # "T0-T1" / "T0-T2"
    n: int
    change: float | None
    d: float | None
    rci: stats.RciShares | None


@dataclass
class AboveCutoff:
    enrolment_id: int
    child_id: int
    child_organisation_id: int
    group_name: str
    score: int


@dataclass
class InstrumentReport:
    instrument_id: str
    label: str
    cutoff: int | None
    reliability: InstrumentReliability | None
    timepoints: list[TimepointRow] = field(default_factory=list)
    changes: list[ChangeRow] = field(default_factory=list)
    above_at_t1: list[AboveCutoff] = field(default_factory=list)

    @property
    def baseline_sd(self) -> float | None:
        return self.timepoints[0].sd if self.timepoints else None


def _measurements(groups: QuerySet[Group] | list[Group]) -> list[Measurement]:
    return list(Measurement.objects.filter(enrolment__group__in=groups)
                .select_related("administration", "enrolment__group")
                .only("timepoint", "instrument_id", "enrolment_id", "enrolment__child_id", "enrolment__group__name",
                      "enrolment__group__organisation_id", "administration__total", "administration__valid",
                      "administration_id")
                .order_by("enrolment_id", "timepoint"))


def build(template: CourseTemplate, groups: QuerySet[Group] | list[Group], organisation: int | None
          ) -> list[InstrumentReport]:
    """The report for these groups (all of ``template``, all of ``organisation``, whose reliabilities are
    used); a fixed number of queries."""
    rows = _measurements(groups)
    child_org = dict(
        Measurement.objects.filter(enrolment__group__in=groups)
        .values_list("enrolment_id", "enrolment__child__organisation_id").distinct())
    reliabilities = {r.instrument_id: r for r in InstrumentReliability.objects.filter(
        template=template, organisation_id=organisation)}
    reports = []
    labels = dict(Timepoint.choices)
    for instrument_id in template.instruments or []:
        mine = [m for m in rows if m.instrument_id == instrument_id]
        scores: dict[str, dict[int, int]] = {t: {} for t in TIMEPOINTS}
        planned = {t: 0 for t in TIMEPOINTS}
        for m in mine:
            planned[m.timepoint] += 1
            a = m.administration
            if a is not None and a.valid and a.total is not None:
                scores[m.timepoint][m.enrolment_id] = a.total
        limit = cutoff(instrument_id)
        reliability = reliabilities.get(instrument_id)
        report = InstrumentReport(instrument_id=instrument_id, label=instrument_label(instrument_id), cutoff=limit,
                                  reliability=reliability)
        for t in TIMEPOINTS:
            values = list(scores[t].values())
            report.timepoints.append(TimepointRow(
                timepoint=t, label=str(labels[t]), planned=planned[t], n=len(values), mean=stats.mean(values),
                sd=stats.sd(values), below_cutoff=stats.share_below(values, limit) if t != Timepoint.T0 else None))
        baseline_sd = report.baseline_sd
        r = float(reliability.reliability) if reliability is not None else None
        for later in (Timepoint.T1, Timepoint.T2):
            pairs = stats.paired(scores[Timepoint.T0], scores[later])
            report.changes.append(ChangeRow(
                label=f"T0-{later}", n=len(pairs), change=stats.change(pairs), d=stats.cohens_d(pairs),
                rci=stats.rci_shares(pairs, baseline_sd, r) if pairs else None))
        if limit is not None:
            by_enrolment = {m.enrolment_id: m for m in mine if m.timepoint == Timepoint.T1}
            for enrolment_id, score in scores[Timepoint.T1].items():
                if score >= limit:
                    m = by_enrolment[enrolment_id]
                    report.above_at_t1.append(AboveCutoff(
                        enrolment_id=enrolment_id, child_id=m.enrolment.child_id,
                        child_organisation_id=child_org.get(enrolment_id), group_name=m.enrolment.group.name,
                        score=score))
        reports.append(report)
    return reports


def group_report(group: Group) -> list[InstrumentReport]:
    return build(group.template, [group], group.organisation_id)


def template_report(template: CourseTemplate, organisation: int) -> tuple[list[InstrumentReport], int]:
    groups = list(Group.objects.filter(template=template, organisation_id=organisation).only("pk"))
    return build(template, groups, organisation), len(groups)


def _number(value: float | None, places: int = 2) -> str:
    return "" if value is None else f"{value:.{places}f}"


def to_csv(reports: list[InstrumentReport]) -> str:
    """One row per instrument and time point, then one per change; numbers with a decimal point."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["instrument", "row", "planned", "n", "mean", "sd", "share_below_cutoff", "change",
                     "cohens_d", "rci_improved", "rci_unchanged", "rci_deteriorated", "cutoff", "reliability",
                     "reliability_source"])
    for report in reports:
        rel = report.reliability
        tail = [report.cutoff if report.cutoff is not None else "", rel.reliability if rel else "",
                rel.source if rel else ""]
        for row in report.timepoints:
            writer.writerow([report.instrument_id, row.timepoint, row.planned, row.n, _number(row.mean),
                             _number(row.sd), _number(row.below_cutoff, 3), "", "", "", "", "", *tail])
        for change in report.changes:
            rci = change.rci
            writer.writerow([report.instrument_id, change.label, "", change.n, "", "", "", _number(change.change),
                             _number(change.d), rci.improved if rci else "", rci.unchanged if rci else "",
                             rci.deteriorated if rci else "", *tail])
    return out.getvalue()
