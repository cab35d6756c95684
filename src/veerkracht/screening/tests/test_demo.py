"""The demo seed gives children screenings with a course over the stay, signals open and decided
(some with a referral to trauma treatment), parents' questionnaires and a few invalid ones."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.clients.models import age_on
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.referrals.models import Referral, ReferralKind
from veerkracht.screening.demo import seed
from veerkracht.screening.engine.definitions import get
from veerkracht.screening.followups import signals_due
from veerkracht.screening.models import Administration, Decision, Signal, SignalStatus
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db  # the shipped instruments, not the test ones


def _children(org_a, location_a, worker, today, n=24):  # type: ignore[no-untyped-def]
    for i in range(n):
        household = factories.HouseholdFactory(organisation=org_a)
        factories.PersonFactory(household=household, kind="mother", birth_date=datetime.date(1988, 3, 1))
        child = factories.PersonFactory(household=household, birth_date=today - datetime.timedelta(days=400 * (i % 17) + 800))
        admitted = today - datetime.timedelta(days=5 + 9 * i)
        create_pathway_for_stay(factories.StayFactory(person=child, location=location_a, admission_date=admitted),
                                actor=worker)
    return list(Pathway.objects.select_related("stay__person").order_by("pk"))


def test_seed_gives_courses_open_and_decided_signals_and_referrals(methodologies, org_a, location_a, worker, staff):
    staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_demo")
    today = timezone.localdate()
    pathways = _children(org_a, location_a, worker, today)
    counts = seed(pathways, actor=worker, today=today, rng=random.Random(3))
    assert counts["administrations"] == Administration.objects.count() > 0
    for administration in Administration.objects.select_related("pathway__stay", "subject"):
        inst = get(administration.instrument_id)
        assert administration.pathway.stay.admission_date <= administration.administered_on <= today
        if administration.subject.kind == "child":
            assert inst.fits_age(age_on(administration.subject.birth_date, administration.administered_on))
        assert administration.clinical == hasattr(administration, "signal")
    courses = Administration.objects.filter(subject__kind="child").values_list("pathway_id", "instrument_id")
    assert max(list(courses).count(c) for c in set(courses)) >= 2  # a repeated administration: a course
    assert counts["invalid"] == Administration.objects.filter(valid=False).count()
    assert Signal.objects.filter(status=SignalStatus.OPEN).count() == counts["open_signals"] > 0
    assert Signal.objects.filter(status=SignalStatus.DECIDED).count() == counts["decided_signals"] > 0
    trauma = Signal.objects.filter(decision=Decision.TRAUMA_REFERRAL)
    assert trauma.count() == counts["referrals"] == Referral.objects.filter(kind=ReferralKind.TRAUMA_TREATMENT).count()
    assert counts["parents"] == Administration.objects.filter(respondent="parent_self").count() > 0
    assert {i.kind for i in signals_due(Pathway.objects.all(), today)} == {"screening_signal"}


def test_seed_is_deterministic_and_skips_closed_pathways(methodologies, org_a, location_a, worker, staff):
    staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_demo")
    today = timezone.localdate()
    pathways = _children(org_a, location_a, worker, today, n=10)
    Pathway.objects.filter(pk=pathways[3].pk).update(closed_on=today)
    pathways[3].refresh_from_db()
    first = seed(pathways, actor=worker, today=today, rng=random.Random(11))
    assert not Administration.objects.filter(pathway=pathways[3]).exists()
    rows = list(Administration.objects.order_by("pk").values_list("pathway_id", "instrument_id", "administered_on",
                                                                  "total"))
    Signal.objects.all().delete()
    Referral.objects.all().delete()
    Administration.objects.all().delete()
    assert seed(pathways, actor=worker, today=today, rng=random.Random(11)) == first
    assert list(Administration.objects.order_by("pk").values_list("pathway_id", "instrument_id", "administered_on",
                                                                  "total")) == rows
