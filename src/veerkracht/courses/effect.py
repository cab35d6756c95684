"""The effect report of group courses: per group, and per course template across the organisation's groups.

Per instrument of the template: the number of children measured at T0/T1/T2, mean and SD per time point,
the change T0-T1 and T0-T2 over the children measured at both, Cohen's d (against the T0 SD, see stats),
the reliable change (RCI with the T0 SD of the children in the report and the reliability r set for the
template and instrument; without r no RCI is shown) and the share below the cut-off at T1 and T2.
Only valid questionnaire results count."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

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
    measurement_id: int = 0
    administration_id: int = 0
    pathway_id: int = 0
    administered_on: datetime.date | None = None


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
                      "administration_id", "administration__pathway_id", "administration__administered_on")
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
                        score=score, measurement_id=m.pk, administration_id=m.administration_id,
                        pathway_id=m.administration.pathway_id, administered_on=m.administration.administered_on))
        reports.append(report)
    return reports


def group_report(group: Group) -> list[InstrumentReport]:
    return build(group.template, [group], group.organisation_id)


def template_report(template: CourseTemplate, organisation: int) -> tuple[list[InstrumentReport], int]:
    groups = list(Group.objects.filter(template=template, organisation_id=organisation).only("pk"))
    return build(template, groups, organisation), len(groups)


# The one-click referral of a child still above the cut-off at T1 into its help plan (issue 7 point 5).


@dataclass
class ReferralState:
    """What the report offers for one child above the cut-off at T1: the open referral to trauma treatment it
    already has, or the button (``may_refer``), or why not (pathway closed, the screening signal waits for the
    behavioural scientist). A child the viewer may not change gets none of these."""

    referral_id: int | None = None
    referred_on: datetime.date | None = None
    pathway_closed: bool = False
    signal_id: int | None = None
    signal_version: int | None = None
    waits_for_decider: bool = False
    may_refer: bool = False


def _role(user: Any) -> str:
    membership = getattr(user, "membership_or_none", None)
    return membership.role if membership is not None else ""


def referral_states(user: Any, items: list[AboveCutoff]) -> dict[int, ReferralState]:
    """{measurement id: state} for these children of the user's organisation; three queries whatever their
    number (none without children)."""
    from veerkracht.pathway.queries import visible_pathways
    from veerkracht.pathway.services import EDITING_ROLES
    from veerkracht.referrals.models import Referral, ReferralKind, ReferralStatus
    from veerkracht.screening.models import Signal, SignalStatus
    from veerkracht.screening.services import DECIDING_ROLES

    role = _role(user)
    if not items or role not in EDITING_ROLES:
        return {}
    pathways = dict(visible_pathways(user).filter(pk__in={i.pathway_id for i in items})
                    .values_list("pk", "closed_on"))
    referred: dict[int, tuple[int, datetime.date]] = {}
    for child_id, pk, sent_on in (
            Referral.objects.filter(pathway__in=visible_pathways(user), kind=ReferralKind.TRAUMA_TREATMENT,
                                    pathway__stay__person_id__in={i.child_id for i in items})
            .exclude(status=ReferralStatus.CLOSED).order_by("-sent_on", "-pk")
            .values_list("pathway__stay__person_id", "pk", "sent_on")):
        referred.setdefault(child_id, (pk, sent_on))  # the latest
    signals = {a: (pk, version) for a, pk, version in Signal.objects.filter(
        administration_id__in={i.administration_id for i in items}, status=SignalStatus.OPEN)
        .values_list("administration_id", "pk", "version")}
    states = {}
    for item in items:
        if item.pathway_id not in pathways:
            continue  # a child outside the user's teams: named by the report, not changed from it
        state = ReferralState()
        if item.child_id in referred:
            state.referral_id, state.referred_on = referred[item.child_id]
        elif pathways[item.pathway_id] is not None:
            state.pathway_closed = True
        else:
            state.signal_id, state.signal_version = signals.get(item.administration_id, (None, None))
            state.waits_for_decider = state.signal_id is not None and role not in DECIDING_ROLES
            state.may_refer = not state.waits_for_decider
        states[item.measurement_id] = state
    return states


def get_referral_measurement(user: Any, pk: Any) -> Measurement:
    """A T1 measurement in a group of the user's organisation, of a child the user may see (404 otherwise)."""
    from veerkracht.clients.queries import visible_persons

    return get_object_or_404(
        Measurement.objects.filter(timepoint=Timepoint.T1, enrolment__group__organisation_id=organisation_id(user),
                                   enrolment__child__in=visible_persons(user))
        .select_related("enrolment__group__template", "enrolment__child", "administration__pathway__stay__person")
        .defer("enrolment__group__meeting_place"), pk=pk)


def referral_reason(measurement: Measurement, limit: int) -> str:
    """Course, time point, instrument and score (no group name, no place)."""
    a = measurement.administration
    return _("After the group course %(course)s still above the cut-off: %(instrument)s, %(timepoint)s, filled in "
             "on %(date)s: score %(score)s (cut-off %(cutoff)s).") % {
        "course": measurement.enrolment.group.template.name, "instrument": instrument_label(measurement.instrument_id),
        "timepoint": Timepoint(measurement.timepoint).label, "date": a.administered_on.strftime("%d-%m-%Y"),
        "score": a.total, "cutoff": limit}


def do_refer_from_course(measurement: Measurement, *, to_whom: str, actor: Any,
                         signal_version: int | None = None) -> Any:
    """Refer the child whose T1 score is above the cut-off to trauma treatment, in the help plan of the
    pathway the score was recorded on. An open screening signal of that score is decided with this referral
    (behavioural scientist only); otherwise the referral is created directly. Refused when the child already
    has an open referral to trauma treatment (checked under a lock on the pathway), when the pathway is
    closed, or when the score is not above the cut-off. Atomic; the services write the audit rows.

    ``signal_version`` is the signal's version the page showed; a signal decided meanwhile raises
    ConcurrentEditError and saves nothing."""
    from veerkracht.core.concurrency import ConcurrentEditError
    from veerkracht.pathway.models import Pathway
    from veerkracht.pathway.services import check_can_edit, check_pathway_open
    from veerkracht.referrals.models import Referral, ReferralKind, ReferralStatus
    from veerkracht.referrals.services import do_create_referral
    from veerkracht.screening.models import Decision, Signal, SignalStatus
    from veerkracht.screening.services import DECIDING_ROLES, do_decide_signal

    child = measurement.enrolment.child
    check_can_edit(actor, child)
    a = measurement.administration
    limit = cutoff(measurement.instrument_id)
    if (measurement.timepoint != Timepoint.T1 or a is None or not a.valid or a.total is None or limit is None
            or a.total < limit or a.subject_id != child.pk):
        raise ValidationError(_("This child's score at T1 is not above the cut-off, so there is nothing to refer "
                                "from here."), code="not_above")
    pathway = a.pathway
    check_pathway_open(pathway)
    reason = referral_reason(measurement, limit)
    with transaction.atomic():
        Pathway.objects.select_for_update().filter(pk=pathway.pk).first()
        earlier = (Referral.objects.filter(pathway__stay__person=child, kind=ReferralKind.TRAUMA_TREATMENT)
                   .exclude(status=ReferralStatus.CLOSED).order_by("-sent_on").first())
        if earlier is not None:
            raise ValidationError(
                _("This child already has an open referral to trauma treatment, sent on %(date)s; it was not "
                  "referred again.") % {"date": earlier.sent_on.strftime("%d-%m-%Y")}, code="already_referred")
        signal = Signal.objects.filter(administration=a).first()
        if signal is not None and signal.status != SignalStatus.OPEN:
            if signal_version is not None:  # the page showed it open: decided meanwhile, look first
                raise ConcurrentEditError(signal)
            signal = None
        if signal is None:
            return do_create_referral(pathway, kind=ReferralKind.TRAUMA_TREATMENT, to_whom=to_whom,
                                      sent_on=timezone.localdate(), actor=actor, reason=reason)
        if _role(actor) not in DECIDING_ROLES:
            raise ValidationError(_("This score raised a screening signal that a behavioural scientist decides; "
                                    "the referral is made with that decision."), code="decider")
        decided = do_decide_signal(signal, decision=Decision.TRAUMA_REFERRAL, reason=reason, to_whom=to_whom,
                                   expected_version=signal.version if signal_version is None else signal_version,
                                   actor=actor)
        return decided.referral


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
