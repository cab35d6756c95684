"""Monitoring tests: a small hand-counted world of four child pathways (synthetic data).

| pathway | org/region | care | admitted | age | discharged (dest.) | what was recorded |
|---|---|---|---|---|---|---|
| p1 | A / Noord | 24h | 10-02-2025 | 5 (4-6) | 01-05-2025 (own_home), 80 days | intake 14-02 (4 days, on time), adopted safety plan, clinical screening + referral started, father contacted, network, help plan adopted 01-03 and evaluated 05-04 (on time), parent support, Meldcode: Veilig Thuis consulted and a report, course completed: T1 reliably improved, T2 unchanged |
| p2 | A / Noord | ambulant | 20-08-2025 | 10 (7-11) | open | intake activity done 05-09 (16 days, late), valid screening not clinical, no contact with father: unsafe, help plan adopted 01-09 never evaluated (due 13-10) |
| p3 | B / Zuid | 24h | 05-11-2024 | 14 (12-17) | 05-12-2024 (family), 30 days | no intake, only an invalid screening, referral sent (not started), father attempt not reached, only on a course waiting list |
| p4 | B / Zuid | 24h | 15-01-2025 | unknown | 25-01-2025 (other_shelter), 10 days | intake 15-01 (0 days), safety plan only drafted, network, parent support, course dropped out (T0 only), Meldcode step 2 without Veilig Thuis and a "help" decision, plus a consultation before the stay |

Facts are refreshed with today = 01-12-2025.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.clients.models import Stay
from veerkracht.courses.models import (
    CourseTemplate,
    Enrolment,
    EnrolmentStatus,
    Group,
    InstrumentReliability,
    Measurement,
)
from veerkracht.family.models import ParentSupportItem
from veerkracht.fathers.models import ContactAttempt, FatherContact
from veerkracht.intake.models import IntakeRecord
from veerkracht.meldcode.models import MeldcodeStep, MeldcodeTrack
from veerkracht.network.models import NetworkMember
from veerkracht.pathway.models import PathwayActivity
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.plans.models import Evaluation, HelpPlan
from veerkracht.referrals.models import Referral, ReferralEvent
from veerkracht.safety.models import SafetyPlan, SafetyPlanRevision
from veerkracht.screening.models import Administration
from veerkracht.testing import factories

TODAY = datetime.date(2025, 12, 1)
D = datetime.date


@pytest.fixture
def methodologies(db):  # type: ignore[no-untyped-def]
    call_command("load_methodologies", verbosity=0)


@pytest.fixture
def worker(staff, org_a):  # type: ignore[no-untyped-def]
    return staff(Role.KINDERWERKER, org_a, username="kw_mon", first_name="Kim", last_name="Werker")


@pytest.fixture
def make_child(methodologies, worker):  # type: ignore[no-untyped-def]
    """make_child(location, admitted, age=..., care_type=..., discharged=..., destination=...) -> pathway."""

    def make(location, admitted: datetime.date, *, age: int | None = 8, care_type: str = "24h",  # type: ignore[no-untyped-def]
             discharged: datetime.date | None = None, destination: str = ""):
        household = factories.HouseholdFactory(organisation=location.organisation)
        birth = D(admitted.year - age, 1, 1) if age is not None else None
        child = factories.PersonFactory(household=household, birth_date=birth)
        stay = factories.StayFactory(person=child, location=location, admission_date=admitted, care_type=care_type)
        pathway = create_pathway_for_stay(stay, actor=worker)
        if discharged is not None:
            Stay.objects.filter(pk=stay.pk).update(discharge_date=discharged, destination=destination)
        return pathway

    return make


def screening(pathway, on: datetime.date, *, valid: bool = True, clinical: bool = False,  # type: ignore[no-untyped-def]
              total: int | None = 10, subject=None) -> Administration:
    return Administration.objects.create(
        pathway=pathway, subject=subject or pathway.stay.person, instrument_id="cats-self-7-17", instrument_version="1",
        respondent="child", administered_on=on, valid=valid, clinical=clinical, total=total if valid else None,
        invalid_reason="" if valid else "too many missing answers")


def father_contact(pathway, **kwargs) -> FatherContact:  # type: ignore[no-untyped-def]
    father = factories.PersonFactory(household=pathway.stay.person.household, kind="father", client_number=None)
    return FatherContact.objects.create(pathway=pathway, father=father, **kwargs)


def adopted_safety_plan(pathway, adopted: bool) -> None:  # type: ignore[no-untyped-def]
    plan = SafetyPlan.objects.create(pathway=pathway, status="adopted" if adopted else "draft")
    SafetyPlanRevision.objects.create(plan=plan, number=1, status="adopted" if adopted else "draft",
                                      adopted_at=timezone.now() if adopted else None)


def parent_support(pathway, on: datetime.date) -> None:  # type: ignore[no-untyped-def]
    parent = factories.PersonFactory(household=pathway.stay.person.household, kind="mother")
    ParentSupportItem.objects.create(pathway=pathway, parent=parent, kind="contact", date=on)


def measure(enrolment, timepoint: str, total: int) -> None:  # type: ignore[no-untyped-def]
    pathway = enrolment.child.stays.order_by("admission_date").first().pathway
    administration = screening(pathway, enrolment.group.start_date, total=total)
    Measurement.objects.create(enrolment=enrolment, timepoint=timepoint, instrument_id="cats-self-7-17",
                               due_on=enrolment.group.start_date, administration=administration)


@pytest.fixture
def world(make_child, org_a, org_b, location_a, location_b):  # type: ignore[no-untyped-def]
    p1 = make_child(location_a, D(2025, 2, 10), age=5, discharged=D(2025, 5, 1), destination="own_home")
    p2 = make_child(location_a, D(2025, 8, 20), age=10, care_type="ambulant")
    p3 = make_child(location_b, D(2024, 11, 5), age=14, discharged=D(2024, 12, 5), destination="family")
    p4 = make_child(location_b, D(2025, 1, 15), age=None, discharged=D(2025, 1, 25), destination="other_shelter")

    # p1: everything
    IntakeRecord.objects.create(pathway=p1, conversation_date=D(2025, 2, 14), form_used="conversation")
    adopted_safety_plan(p1, adopted=True)
    screening(p1, D(2025, 2, 20), clinical=True, total=30)
    referral = Referral.objects.create(pathway=p1, kind="trauma_treatment", to_whom="GGZ", status="started",
                                       sent_on=D(2025, 2, 21), status_since=D(2025, 3, 1))
    ReferralEvent.objects.create(referral=referral, status="sent", on=D(2025, 2, 21))
    ReferralEvent.objects.create(referral=referral, status="started", on=D(2025, 3, 1))
    contact = father_contact(p1, status="contacted", status_on=D(2025, 2, 25))
    ContactAttempt.objects.create(contact=contact, date=D(2025, 2, 25), way="phone", result="reached")
    NetworkMember.objects.create(pathway=p1, name="Oma", member_type="person", relation="family", quality="supportive")
    plan = HelpPlan.objects.create(pathway=p1, status="adopted", adopted_on=D(2025, 3, 1))
    Evaluation.objects.create(plan=plan, held_on=D(2025, 4, 5))
    Evaluation.objects.create(plan=plan, held_on=D(2025, 4, 25))
    parent_support(p1, D(2025, 2, 28))
    track = MeldcodeTrack.objects.create(person=p1.stay.person, started_on=D(2025, 3, 5))
    MeldcodeStep.objects.create(track=track, number=1, date=D(2025, 3, 5))
    MeldcodeStep.objects.create(track=track, number=2, date=D(2025, 3, 10), consulted_veilig_thuis=True)
    MeldcodeStep.objects.create(track=track, number=5, date=D(2025, 3, 20), decision="report_and_help",
                                report_date=D(2025, 3, 20))

    # p2: late intake, no contact with the father because it is unsafe, a help plan never evaluated
    PathwayActivity.objects.filter(pathway=p2, definition__code="intake").update(status="done",
                                                                                completed_on=D(2025, 9, 5))
    screening(p2, D(2025, 9, 1), clinical=False, total=5)
    father_contact(p2, status="no_contact", no_contact_reason="unsafe", status_on=D(2025, 8, 25))
    HelpPlan.objects.create(pathway=p2, status="adopted", adopted_on=D(2025, 9, 1))

    # p3: no intake, invalid screening only, referral not started, father not reached
    screening(p3, D(2024, 11, 20), valid=False)
    referral = Referral.objects.create(pathway=p3, kind="youth_care", to_whom="Jeugdzorg", status="sent",
                                       sent_on=D(2024, 11, 21), status_since=D(2024, 11, 21))
    ReferralEvent.objects.create(referral=referral, status="sent", on=D(2024, 11, 21))
    contact = father_contact(p3, status="not_yet")
    ContactAttempt.objects.create(contact=contact, date=D(2024, 11, 10), way="letter", result="not_reached")

    # p4: intake on the day of admission, a draft safety plan, network and parent support, Meldcode without a
    # consultation of Veilig Thuis during the stay
    IntakeRecord.objects.create(pathway=p4, conversation_date=D(2025, 1, 15), form_used="conversation")
    adopted_safety_plan(p4, adopted=False)
    NetworkMember.objects.create(pathway=p4, name="School", member_type="organisation", relation="school",
                                 quality="neutral")
    parent_support(p4, D(2025, 1, 20))
    before = MeldcodeTrack.objects.create(person=p4.stay.person, started_on=D(2024, 6, 1), closed_on=D(2024, 6, 30))
    MeldcodeStep.objects.create(track=before, number=2, date=D(2024, 6, 2), consulted_veilig_thuis=True)
    MeldcodeStep.objects.create(track=before, number=5, date=D(2024, 6, 20), decision="report")
    track = MeldcodeTrack.objects.create(person=p4.stay.person, started_on=D(2025, 1, 16))
    MeldcodeStep.objects.create(track=track, number=2, date=D(2025, 1, 17), consulted_veilig_thuis=False)
    MeldcodeStep.objects.create(track=track, number=5, date=D(2025, 1, 20), decision="help")

    # courses: group 1 of organisation A from 01-03-2025 (p1 completed; p2's child also, but before p2's stay)
    template = CourseTemplate.objects.create(code="mon-course", name="Cursus", min_age=4, max_age=12, sessions=9,
                                             minutes=90, max_children=8, instruments=["cats-self-7-17"])
    group = Group.objects.create(template=template, organisation=org_a, name="Groep 1", start_date=D(2025, 3, 1),
                                 max_children=8, status="completed")
    e1 = Enrolment.objects.create(group=group, child=p1.stay.person, status=EnrolmentStatus.COMPLETED)
    e2 = Enrolment.objects.create(group=group, child=p2.stay.person, status=EnrolmentStatus.COMPLETED)
    measure(e1, "T0", 30)
    measure(e1, "T1", 10)
    measure(e1, "T2", 28)
    measure(e2, "T0", 20)
    measure(e2, "T1", 19)
    # SD at T0 = 7.07; r = 0.8: S_diff = 4.47; p1: T1 RCI = -4.47 (improved), T2 RCI = -0.45 (unchanged)
    InstrumentReliability.objects.create(organisation=org_a, template=template, instrument_id="cats-self-7-17",
                                         reliability="0.800", source="handleiding")
    # group 2 of organisation B from 20-01-2025: p4 dropped out (T0 only)
    group2 = Group.objects.create(template=template, organisation=org_b, name="Groep 2", start_date=D(2025, 1, 20),
                                  max_children=8, status="running")
    e4 = Enrolment.objects.create(group=group2, child=p4.stay.person, status=EnrolmentStatus.DROPPED_OUT,
                                  dropout_reason="left", dropped_out_on=D(2025, 1, 25))
    measure(e4, "T0", 25)
    # group 3 of organisation B from 20-11-2024, in p3's stay: p3 only on the waiting list
    group3 = Group.objects.create(template=template, organisation=org_b, name="Groep 3", start_date=D(2024, 11, 20),
                                  max_children=8, status="running")
    Enrolment.objects.create(group=group3, child=p3.stay.person, status=EnrolmentStatus.WAITING)
    return SimpleNamespace(p1=p1, p2=p2, p3=p3, p4=p4, org_a=org_a, org_b=org_b, location_a=location_a,
                           location_b=location_b, template=template, group=group)
