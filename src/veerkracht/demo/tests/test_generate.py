"""`generate` at small scale: every child stay gets its pathway, activities and the records behind them,
consistent with each other and with the stay; the same seed gives the same data; the number of queries
does not grow with the number of children."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veerkracht.clients.models import PersonKind, Stay
from veerkracht.courses.models import Attendance, Enrolment, EnrolmentStatus, Measurement
from veerkracht.demo import synthetic
from veerkracht.family.models import ParentingAssessment
from veerkracht.fathers.models import ContactStatus, FatherContact
from veerkracht.intake.models import IntakeRecord
from veerkracht.meldcode.models import MeldcodeStep, MeldcodeTrack
from veerkracht.network.models import NetworkMember
from veerkracht.pathway.models import ActivityStatus, Pathway, PathwayActivity
from veerkracht.pathway.services import _due_dates
from veerkracht.plans.models import Evaluation, GoalScore, HelpPlan, PlanStatus
from veerkracht.referrals.models import Referral, ReferralKind, ReferralStatus
from veerkracht.safety.models import PlanStatus as SafetyStatus
from veerkracht.safety.models import SafetyPlan
from veerkracht.screening.engine import definitions, scoring
from veerkracht.screening.models import Administration, Decision, Signal, SignalStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_demo_mode")]


@pytest.fixture
def _demo_mode():  # type: ignore[no-untyped-def]
    with override_settings(DEMO_MODE=True):
        yield


def _generate(children: int = 60, years: int = 3, seed: int = 11, batch_size: int = 5000) -> dict[str, int]:
    return synthetic.generate(children, years, seed, progress=False, batch_size=batch_size)


@pytest.fixture(scope="module")
def today() -> datetime.date:
    return timezone.localdate()


def _ends(stay: Stay, today: datetime.date) -> datetime.date:
    return min(stay.discharge_date or today, today)


def test_a_pathway_with_every_activity_per_child_stay(today):
    counts = _generate()
    child_stays = Stay.objects.filter(person__kind=PersonKind.CHILD)
    assert counts["pathways"] == child_stays.count() == Pathway.objects.count() == 60
    assert not Stay.objects.exclude(person__kind=PersonKind.CHILD).filter(pathway__isnull=False).exists()
    for pathway in Pathway.objects.select_related("stay", "methodology").prefetch_related(
        "activities__definition", "methodology__activities"
    ):
        activities = sorted(pathway.activities.all(), key=lambda a: a.definition.order)
        assert [a.definition_id for a in activities] == sorted(d.pk for d in pathway.methodology.activities.all())
        stay = pathway.stay
        # due dates exactly as the pathway app computes them
        expected = _due_dates(activities, stay.admission_date)
        assert {a.definition_id: a.due_date for a in activities} == expected
        for a in activities:
            assert a.deadline_days == a.definition.deadline_days
            if a.status == ActivityStatus.DONE:
                assert stay.admission_date <= a.completed_on <= _ends(stay, today)
            else:
                assert a.completed_on is None
            if a.status in (ActivityStatus.NOT_DONE, ActivityStatus.NOT_APPLICABLE):
                assert a.reason  # read back through the encrypted field
        if stay.discharge_date is not None:
            assert pathway.closed_on == stay.discharge_date
            assert all(a.is_closed for a in activities)
            summary = pathway.summary
            assert summary["total"] == len(activities) and summary["destination"] == stay.destination
            assert summary["done"] == sum(a.status == ActivityStatus.DONE for a in activities)
            assert [r["status"] for r in summary["activities"]] == [a.status for a in activities]
        else:
            assert pathway.closed_on is None and pathway.summary == {}
            assert not any(a.status == ActivityStatus.NOT_DONE for a in activities)
    statuses = Counter(PathwayActivity.objects.values_list("status", flat=True))
    assert statuses[ActivityStatus.DONE] and statuses[ActivityStatus.NOT_DONE]
    # The reason is stored encrypted, as the field stores it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM pathway_pathwayactivity WHERE status = 'not_done'")
        stored = {row[0] for row in cursor.fetchall()}
    assert stored and not any("Verblijf" in value for value in stored)


def _activity(code: str) -> dict[int, PathwayActivity]:
    return {a.pathway_id: a for a in PathwayActivity.objects.filter(definition__code=code)}


def test_records_agree_with_the_activities(today):
    _generate(children=150, years=4)
    stays = {p.pk: p.stay for p in Pathway.objects.select_related("stay")}

    intake = _activity("intake")
    records = {r.pathway_id: r for r in IntakeRecord.objects.all()}
    assert records
    for pathway_id, activity in intake.items():
        record = records.get(pathway_id)
        assert (activity.status == ActivityStatus.DONE) == (record is not None)
        if record is not None:
            assert record.conversation_date == activity.completed_on

    parenting = _activity("parenting")
    assessed = dict(ParentingAssessment.objects.values_list("pathway_id", "conversation_date"))
    assert {k for k, a in parenting.items() if a.status == ActivityStatus.DONE} == set(assessed)
    assert all(parenting[k].completed_on == day for k, day in assessed.items())

    network = _activity("network")
    members = set(NetworkMember.objects.values_list("pathway_id", flat=True))
    assert {k for k, a in network.items() if a.status == ActivityStatus.DONE} <= members

    safety = _activity("safety_plan")
    plans = {p.pathway_id: p for p in SafetyPlan.objects.select_related("adopted_revision")}
    for pathway_id, activity in safety.items():
        plan = plans.get(pathway_id)
        adopted = plan is not None and plan.status == SafetyStatus.ADOPTED
        assert (activity.status == ActivityStatus.DONE) == adopted
        if adopted:
            assert plan.adopted_revision.adopted_at.date() == activity.completed_on
            assert plan.review_date > activity.completed_on

    fathers = _activity("father_contact")
    contacts = defaultdict(list)
    for contact in FatherContact.objects.all():
        contacts[contact.pathway_id].append(contact)
    for pathway_id, activity in fathers.items():
        if activity.status == ActivityStatus.DONE:
            resolved = contacts[pathway_id]
            assert resolved and all(c.status != ContactStatus.NOT_YET for c in resolved)
            assert activity.completed_on == max(c.status_on for c in resolved)
    assert FatherContact.objects.filter(no_contact_reason__in=["ban", "unsafe"]).exists()

    help_plan = _activity("action_plan")
    plans_by_pathway = {p.pathway_id: p for p in HelpPlan.objects.all()}
    for pathway_id, activity in help_plan.items():
        plan = plans_by_pathway.get(pathway_id)
        adopted = plan is not None and plan.status == PlanStatus.ADOPTED
        assert (activity.status == ActivityStatus.DONE) == adopted
        if adopted:
            assert plan.adopted_on == activity.completed_on
    for evaluation in Evaluation.objects.select_related("plan__pathway__stay"):
        plan = evaluation.plan
        assert plan.status == PlanStatus.ADOPTED and evaluation.held_on > plan.adopted_on
        assert evaluation.held_on <= _ends(plan.pathway.stay, today)
    assert GoalScore.objects.exists()

    for track in MeldcodeTrack.objects.all():
        numbers = list(MeldcodeStep.objects.filter(track=track).order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))

    # screening: the engine's own result; a signal for every clinical result; referrals from decisions
    screening = _activity("screening")
    administrations = list(Administration.objects.select_related("pathway__stay"))
    assert administrations
    for administration in administrations:
        inst = definitions.get(administration.instrument_id)
        result = scoring.score(inst, administration.answers)
        assert (administration.valid, administration.total, administration.clinical) == (
            result.valid, result.total, bool(result.valid and result.clinical))
        stay = administration.pathway.stay
        assert stay.admission_date <= administration.administered_on <= _ends(stay, today)
        assert administration.subject_id == stay.person_id
        if administration.pathway_id in screening and not administration.course_measurements.exists():
            assert screening[administration.pathway_id].status != ActivityStatus.OPEN
    clinical = {a.pk for a in administrations if a.clinical}
    assert set(Signal.objects.values_list("administration_id", flat=True)) == clinical
    assert 0.2 < len(clinical) / sum(a.valid for a in administrations) < 0.7
    for signal in Signal.objects.select_related("referral"):
        if signal.status == SignalStatus.DECIDED and signal.decision == Decision.TRAUMA_REFERRAL:
            assert signal.referral is not None and signal.referral.kind == ReferralKind.TRAUMA_TREATMENT
        else:
            assert signal.referral is None
    for referral in Referral.objects.prefetch_related("events").select_related("pathway__stay"):
        events = list(referral.events.all())
        assert events[0].status == ReferralStatus.SENT and events[0].on == referral.sent_on
        assert events[-1].status == referral.status and events[-1].on == referral.status_since
        assert [e.on for e in events] == sorted(e.on for e in events)
        stay = referral.pathway.stay
        assert stay.admission_date <= referral.sent_on <= _ends(stay, today)
        assert referral.status_since <= _ends(stay, today)  # nothing recorded after the discharge
    assert len(stays) == 150


def test_indicators_improve_over_the_years_and_differ_per_organisation(today):
    _generate(children=600, years=10)
    intake = PathwayActivity.objects.filter(definition__code="intake").values_list(
        "pathway__stay__admission_date", "pathway__stay__person__organisation_id", "status")
    old = [status == ActivityStatus.DONE for day, _org, status in intake if (today - day).days > 7 * 365]
    new = [status == ActivityStatus.DONE for day, _org, status in intake if (today - day).days < 3 * 365]
    assert sum(old) / len(old) + 0.25 < sum(new) / len(new)
    per_org = defaultdict(list)
    for _day, org, status in intake:
        per_org[org].append(status == ActivityStatus.DONE)
    shares = [sum(v) / len(v) for v in per_org.values() if len(v) >= 20]
    assert max(shares) - min(shares) > 0.15
    screened = Administration.objects.filter(valid=True, course_measurements=None)
    children = Pathway.objects.count()
    assert 0.35 < screened.values("pathway").distinct().count() / children < 0.8
    assert 0.25 < screened.filter(clinical=True).count() / screened.count() < 0.6
    # evaluations on time and late (the first one against adoption + the evaluation weeks)
    first = {}
    for plan_id, held_on, adopted_on in Evaluation.objects.values_list("plan_id", "held_on", "plan__adopted_on"):
        first[plan_id] = min(first.get(plan_id, (held_on, adopted_on)), (held_on, adopted_on))
    on_time = [held <= adopted + datetime.timedelta(weeks=6) for held, adopted in first.values()]
    assert any(on_time) and not all(on_time)


def test_courses_with_attendance_and_measurements(today):
    _generate(children=400, years=4)
    enrolments = list(Enrolment.objects.select_related("group", "child"))
    assert enrolments
    for enrolment in enrolments:
        assert enrolment.group.organisation_id == enrolment.child.organisation_id
        sessions = {a.session.group_id for a in Attendance.objects.filter(enrolment=enrolment).select_related("session")}
        assert sessions <= {enrolment.group_id}
        if enrolment.status == EnrolmentStatus.DROPPED_OUT:
            assert enrolment.dropout_reason and enrolment.dropped_out_on
    measured = Measurement.objects.exclude(administration=None).select_related(
        "administration__pathway__stay", "enrolment")
    assert measured
    for m in measured:
        assert m.administration.valid and m.administration.instrument_id == m.instrument_id
        assert m.administration.pathway.stay.person_id == m.enrolment.child_id
    timepoints = Counter(m.timepoint for m in measured)
    assert timepoints["T0"] and timepoints["T1"]


def _fingerprint() -> list[Any]:
    return sorted(
        [("a", *row) for row in PathwayActivity.objects.values_list(
            "pathway__stay__person__client_number", "definition__code", "status", "due_date", "completed_on")]
        + [("s", *row) for row in Administration.objects.values_list(
            "subject__client_number", "instrument_id", "administered_on", "total")]
        + [("r", *row) for row in Referral.objects.values_list(
            "pathway__stay__person__client_number", "kind", "status", "sent_on", "status_since")]
        + [("p", *row) for row in HelpPlan.objects.values_list(
            "pathway__stay__person__client_number", "status", "adopted_on", "next_evaluation_on")],
        key=repr,
    )


def test_deterministic_with_the_seed():
    runs = []
    for seed in (5, 5, 6):
        with transaction.atomic():
            _generate(children=40, years=2, seed=seed)
            runs.append(_fingerprint())
            transaction.set_rollback(True)
    assert runs[0] and runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_the_number_of_queries_does_not_grow_with_the_number_of_children():
    queries = {}
    for n in (300, 900):
        with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
            counts = _generate(children=n, years=5, batch_size=2000)
            transaction.set_rollback(True)
        assert counts["children"] == n and counts["pathways"] == n
        queries[n] = len(ctx.captured_queries)
    assert queries[900] <= queries[300], queries
