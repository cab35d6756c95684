"""Build the monitoring's fact rows from the records, set-based (ADR 0014).

``refresh(since=None)`` reads one annotated queryset over ``Pathway`` (an ``Exists`` or ``Subquery``
per fact) and a fixed number of queries for the course outcomes, computes the age group, the day
counts and the reliable change in Python (no query per row), and replaces the fact rows of the
refreshed pathways in batches inside one transaction, with one audit event that carries counts only.
The number of queries does not depend on the number of pathways.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients.models import age_on
from veerkracht.courses import stats
from veerkracht.courses.models import (
    Enrolment,
    EnrolmentStatus,
    InstrumentReliability,
    Measurement,
    Timepoint,
)
from veerkracht.family.models import ParentSupportItem
from veerkracht.fathers.models import ContactAttempt, ContactStatus, FatherContact, NoContactReason
from veerkracht.intake.models import IntakeRecord
from veerkracht.meldcode.models import CONSULTATION, DECISION, REPORTING_DECISIONS, MeldcodeStep
from veerkracht.network.models import NetworkMember
from veerkracht.pathway.models import ActivityStatus, Pathway, PathwayActivity
from veerkracht.plans.models import Evaluation, HelpPlan
from veerkracht.referrals.models import Referral, ReferralEvent, ReferralStatus
from veerkracht.safety.models import SafetyPlanRevision
from veerkracht.screening.models import Administration

from .models import ChildStayFact, Publication, age_group

INTAKE_CODE = "intake"
# Used only when a methodology has no intake activity (the project default deadline, domain.md).
DEFAULT_INTAKE_DAYS = 7
BATCH_SIZE = 2000
# Taking part in a course: enrolled, completed or dropped out (not only on the waiting list).
TOOK_PART = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED_OUT)
_FAR_FUTURE = datetime.date(9999, 12, 31)


def evaluation_interval() -> datetime.timedelta:
    return datetime.timedelta(weeks=getattr(settings, "VEERKRACHT_EVALUATION_WEEKS", 6))


def _stay_end() -> Coalesce:
    """The last day of the stay window: the discharge date, or far in the future while open."""
    return Coalesce(OuterRef("stay__discharge_date"), Value(_FAR_FUTURE), output_field=DateField())


def _in_stay(field: str) -> Q:
    return Q(**{f"{field}__gte": OuterRef("stay__admission_date"), f"{field}__lte": _stay_end()})


def pathways_in_scope(since: datetime.date | None = None) -> QuerySet[Pathway]:
    """The pathways a refresh covers: all, or those of stays open on or after ``since``."""
    qs = Pathway.objects.all()
    if since is not None:
        qs = qs.filter(Q(stay__discharge_date__isnull=True) | Q(stay__discharge_date__gte=since))
    return qs


def annotated(pathways: QuerySet[Pathway]) -> QuerySet[Pathway]:
    """``values()`` rows with every fact that the database can decide, one row per pathway."""
    here = OuterRef("pk")
    intake_activity = PathwayActivity.objects.filter(pathway=here, definition__code=INTAKE_CODE)
    own_valid = Administration.objects.filter(pathway=here, subject=OuterRef("stay__person_id"), valid=True)
    unsafe = (NoContactReason.UNSAFE, NoContactReason.BAN)
    enrolments = Enrolment.objects.filter(child=OuterRef("stay__person_id")).filter(_in_stay("group__start_date"))
    meldcode_steps = MeldcodeStep.objects.filter(track__person=OuterRef("stay__person_id")).filter(_in_stay("date"))
    return pathways.annotate(
        intake_record_on=Subquery(IntakeRecord.objects.filter(pathway=here).values("conversation_date")[:1]),
        intake_done_on=Subquery(intake_activity.filter(status=ActivityStatus.DONE).values("completed_on")[:1]),
        intake_due=Subquery(intake_activity.values("due_date")[:1]),
        f_safety_plan=Exists(SafetyPlanRevision.objects.filter(plan__pathway=here, adopted_at__isnull=False)),
        f_screened=Exists(own_valid),
        f_above_cutoff=Exists(own_valid.filter(clinical=True)),
        f_referred=Exists(Referral.objects.filter(pathway=here)),
        f_referral_started=Exists(ReferralEvent.objects.filter(referral__pathway=here,
                                                               status=ReferralStatus.STARTED)),
        f_father_contact_attempted=Exists(ContactAttempt.objects.filter(contact__pathway=here)),
        f_father_contact_realised=Exists(FatherContact.objects.filter(pathway=here, status=ContactStatus.CONTACTED)),
        f_father_not_safe=Exists(FatherContact.objects.filter(pathway=here, status=ContactStatus.NO_CONTACT,
                                                              no_contact_reason__in=unsafe)),
        f_network_mapped=Exists(NetworkMember.objects.filter(pathway=here)),
        plan_adopted_on=Subquery(HelpPlan.objects.filter(pathway=here).values("adopted_on")[:1]),
        first_evaluation_on=Subquery(Evaluation.objects.filter(plan__pathway=here).order_by("held_on")
                                     .values("held_on")[:1]),
        f_parent_support=Exists(ParentSupportItem.objects.filter(pathway=here)),
        f_course_enrolled=Exists(enrolments.filter(status__in=TOOK_PART)),
        f_course_completed=Exists(enrolments.filter(status=EnrolmentStatus.COMPLETED)),
        f_meldcode_consulted=Exists(meldcode_steps.filter(number=CONSULTATION, consulted_veilig_thuis=True)),
        f_meldcode_reported=Exists(meldcode_steps.filter(number=DECISION, decision__in=REPORTING_DECISIONS)),
    ).values(
        "pk", "stay__person_id", "stay__location_id", "stay__location__organisation_id", "stay__location__region_id",
        "stay__care_type", "stay__admission_date", "stay__discharge_date", "stay__destination",
        "stay__person__birth_date", "intake_record_on", "intake_done_on", "intake_due", "plan_adopted_on",
        "first_evaluation_on", *[name for name in _DB_FLAGS],
    ).order_by("pk")


_DB_FLAGS = (
    "f_safety_plan", "f_screened", "f_above_cutoff", "f_referred", "f_referral_started",
    "f_father_contact_attempted", "f_father_contact_realised", "f_father_not_safe", "f_network_mapped",
    "f_parent_support", "f_course_enrolled", "f_course_completed", "f_meldcode_consulted", "f_meldcode_reported",
)


# --- course outcomes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseOutcome:
    t1_measured: bool = False
    t1_improved: bool = False
    t2_measured: bool = False
    t2_improved: bool = False


def _sample_sd(n: int, total: int, squares: int) -> float | None:
    """Sample SD (divisor n - 1) from count, sum and sum of squares; None for fewer than two values."""
    if n < 2:
        return None
    variance = (n * squares - total * total) / (n * (n - 1))  # integer numerator: exact
    return math.sqrt(max(variance, 0.0))


def course_outcomes() -> dict[tuple[int, datetime.date], list[tuple[str, str]]]:
    """Per (child, group start date): the RCI class ("improved"/"unchanged"/"deteriorated") per later
    time point and instrument, for every instrument whose RCI can be computed - the group's sample SD
    at T0 over its valid totals (as the group's effect report) and the reliability r that the group's
    organisation set for the template and instrument. Three queries, whatever the number of children."""
    # the sample SD from count, sum and sum of squares (SQLite's STDDEV_SAMP fails on a single value)
    sds = {
        (row["enrolment__group_id"], row["instrument_id"]): _sample_sd(row["n"], row["s"], row["ss"])
        for row in Measurement.objects.filter(timepoint=Timepoint.T0, administration__valid=True,
                                              administration__total__isnull=False)
        .values("enrolment__group_id", "instrument_id")
        .annotate(n=Count("pk"), s=Sum("administration__total"),
                  ss=Sum(F("administration__total") * F("administration__total")))
        .order_by()
    }
    reliabilities = {
        (r["organisation_id"], r["template_id"], r["instrument_id"]): float(r["reliability"])
        for r in InstrumentReliability.objects.values("organisation_id", "template_id", "instrument_id", "reliability")
    }
    totals: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    keys: dict[int, tuple[int, datetime.date, int, int, int]] = {}
    for row in (Measurement.objects.filter(administration__valid=True, administration__total__isnull=False,
                                           enrolment__status__in=TOOK_PART)
                .values("enrolment_id", "enrolment__child_id", "enrolment__group_id", "enrolment__group__start_date",
                        "enrolment__group__organisation_id", "enrolment__group__template_id", "instrument_id",
                        "timepoint", "administration__total").order_by()):
        totals[(row["enrolment_id"], row["instrument_id"])][row["timepoint"]] = row["administration__total"]
        keys[row["enrolment_id"]] = (row["enrolment__child_id"], row["enrolment__group__start_date"],
                                     row["enrolment__group_id"], row["enrolment__group__organisation_id"],
                                     row["enrolment__group__template_id"])
    classes: dict[tuple[int, datetime.date], list[tuple[str, str]]] = defaultdict(list)
    for (enrolment_id, instrument_id), by_time in totals.items():
        child_id, start, group_id, organisation_id, template_id = keys[enrolment_id]
        baseline_sd = sds.get((group_id, instrument_id))
        r = reliabilities.get((organisation_id, template_id, instrument_id))
        if Timepoint.T0 not in by_time or not baseline_sd or r is None:
            continue
        for later in (Timepoint.T1, Timepoint.T2):
            if later in by_time:
                index = stats.rci(by_time[Timepoint.T0], by_time[later], float(baseline_sd), r)
                label = stats.classify(index)
                if label is not None:
                    classes[(child_id, start)].append((str(later), label))
    return classes


def _outcome(entries: Iterable[tuple[str, str]]) -> CourseOutcome:
    """Measured at a time point: at least one instrument with an RCI; improved: reliably improved on at
    least one instrument and reliably worse on none."""
    result = {}
    entries = list(entries)
    for later in (Timepoint.T1, Timepoint.T2):
        labels = [label for t, label in entries if t == later]
        result[later] = (bool(labels), stats.IMPROVED in labels and stats.DETERIORATED not in labels)
    return CourseOutcome(t1_measured=result[Timepoint.T1][0], t1_improved=result[Timepoint.T1][1],
                         t2_measured=result[Timepoint.T2][0], t2_improved=result[Timepoint.T2][1])


def _course_for_stay(classes: dict[tuple[int, datetime.date], list[tuple[str, str]]], person_id: int,
                     admitted: datetime.date, discharged: datetime.date | None,
                     by_child: dict[int, list[datetime.date]]) -> CourseOutcome:
    end = discharged or _FAR_FUTURE
    entries = [e for start in by_child.get(person_id, ()) if admitted <= start <= end
               for e in classes[(person_id, start)]]
    return _outcome(entries) if entries else CourseOutcome()


# --- building rows ----------------------------------------------------------------------------------


def build_fact(row: dict[str, Any], *, today: datetime.date, now: datetime.datetime,
               course: CourseOutcome) -> dict[str, Any]:
    """The field values of one fact row from one ``annotated()`` row (no queries)."""
    admitted: datetime.date = row["stay__admission_date"]
    discharged: datetime.date | None = row["stay__discharge_date"]
    intake_on = row["intake_record_on"] or row["intake_done_on"]
    due = row["intake_due"] or admitted + datetime.timedelta(days=DEFAULT_INTAKE_DAYS)
    adopted = row["plan_adopted_on"]
    evaluation_due_on = adopted + evaluation_interval() if adopted else None
    evaluation_due = evaluation_due_on is not None and evaluation_due_on <= (discharged or today)
    first_evaluation = row["first_evaluation_on"]
    flags = {name[2:]: bool(row[name]) for name in _DB_FLAGS}
    return dict(
        pathway_id=row["pk"],
        organisation_id=row["stay__location__organisation_id"],
        region_id=row["stay__location__region_id"],
        location_id=row["stay__location_id"],
        care_type=row["stay__care_type"],
        admitted_on=admitted,
        year=admitted.year,
        quarter=(admitted.month - 1) // 3 + 1,
        age_group=age_group(age_on(row["stay__person__birth_date"], admitted)),
        discharged_on=discharged,
        length_of_stay_days=(discharged - admitted).days if discharged else None,
        destination=row["stay__destination"] if discharged else "",
        has_intake=intake_on is not None,
        intake_on=intake_on,
        intake_on_time=intake_on is not None and intake_on <= due,
        days_to_intake=max((intake_on - admitted).days, 0) if intake_on else None,
        help_plan=adopted is not None,
        help_plan_evaluation_due=evaluation_due,
        help_plan_evaluated_on_time=evaluation_due and first_evaluation is not None
        and first_evaluation <= evaluation_due_on,
        course_t1_measured=course.t1_measured, course_t1_improved=course.t1_improved,
        course_t2_measured=course.t2_measured, course_t2_improved=course.t2_improved,
        refreshed_at=now,
        **flags,
    )


def iter_facts(pathways: QuerySet[Pathway], *, today: datetime.date | None = None,
               now: datetime.datetime | None = None) -> Iterator[dict[str, Any]]:
    today = today or timezone.localdate()
    now = now or timezone.now()
    classes = course_outcomes()
    by_child: dict[int, list[datetime.date]] = defaultdict(list)
    for child_id, start in classes:
        by_child[child_id].append(start)
    for row in annotated(pathways).iterator(chunk_size=BATCH_SIZE):
        course = _course_for_stay(classes, row["stay__person_id"], row["stay__admission_date"],
                                  row["stay__discharge_date"], by_child)
        yield build_fact(row, today=today, now=now, course=course)


def _insert(batch: list[dict[str, Any]]) -> None:
    """Insert fact rows with one ``executemany``: the values are plain (ids, codes, numbers, booleans,
    dates), so Django's per-value preparation in ``bulk_create`` - most of the refresh's time at
    national scale - is not needed; dates and the time stamp go through the backend's adapters."""
    fields = [f for f in ChildStayFact._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    adapters: list[Callable[[Any], Any] | None] = [
        ops.adapt_datetimefield_value if f.get_internal_type() == "DateTimeField"
        else ops.adapt_datefield_value if f.get_internal_type() == "DateField" else None
        for f in fields
    ]
    quote = ops.quote_name
    # Only the model's own table and column names (quoted by the backend) go into the text; every value
    # is a parameter.
    table, columns = quote(ChildStayFact._meta.db_table), ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608  # nosec B608
    params = [
        [adapt(fact[f.attname]) if adapt is not None and fact[f.attname] is not None else fact[f.attname]
         for f, adapt in zip(fields, adapters, strict=True)]
        for fact in batch
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def refresh(*, since: datetime.date | None = None, today: datetime.date | None = None) -> dict[str, int]:
    """Replace the fact rows of the pathways in scope (all, or stays open on or after ``since``).

    Rows of pathways that no longer exist are kept (figures of past years survive retention). One
    transaction; one audit event with counts only. Then the national publications of the years it touched
    are deleted and protected again (``queries.national``), so that no page view waits for them."""
    pathways = pathways_in_scope(since)
    written = 0
    with transaction.atomic():
        ids = pathways.values("pk")
        years = set(ChildStayFact.objects.filter(pathway_id__in=ids).values_list("year", flat=True).distinct())
        deleted, _ = ChildStayFact.objects.filter(pathway_id__in=ids).delete()
        batch: list[dict[str, Any]] = []
        for fact in iter_facts(pathways, today=today):
            years.add(fact["year"])
            batch.append(fact)
            if len(batch) >= BATCH_SIZE:
                _insert(batch)
                written += len(batch)
                batch = []
        if batch:
            _insert(batch)
            written += len(batch)
        result = {"written": written, "replaced": deleted}
        record(actor=None, action=Action.UPDATE, object_type="monitoring.childstayfact", username="system",
               detail=" ".join(f"{k}={v}" for k, v in result.items())
               + (f" since={since.isoformat()}" if since else " since=all"))
        Publication.objects.filter(year__in=sorted(years)).delete()
    if years:
        from .disclosure import Policy
        from .queries import definitions, national

        national(definitions(), Policy.from_settings())
    return result
