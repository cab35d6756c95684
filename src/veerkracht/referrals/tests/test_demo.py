"""The demo seed gives children open referrals in every status and closed ones, with consistent histories."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from veerkracht.audit.models import AuditEvent
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.referrals.demo import seed
from veerkracht.referrals.followups import referral_followups
from veerkracht.referrals.models import TRANSITIONS, Referral, ReferralStatus
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db


def _children(org_a, location_a, worker, today, n=30):  # type: ignore[no-untyped-def]
    for i in range(n):
        child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a))
        admitted = today - datetime.timedelta(days=3 + 4 * i)
        create_pathway_for_stay(factories.StayFactory(person=child, location=location_a, admission_date=admitted),
                                actor=worker)
    return list(Pathway.objects.select_related("stay__person").order_by("pk"))


def test_seed_makes_open_referrals_in_every_status_and_closed_ones(methodologies, org_a, location_a, worker):
    today = timezone.localdate()
    pathways = _children(org_a, location_a, worker, today)
    counts = seed(pathways, actor=worker, today=today, rng=random.Random(5))
    assert counts["referrals"] == Referral.objects.count() == counts["open"] + counts["closed"]
    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert counts["closed"] == Referral.objects.filter(status=ReferralStatus.CLOSED).count() > 0
    states = {item.state for item in referral_followups(Pathway.objects.all(), today)}
    assert states == {"overdue", "open"}  # some unanswered or long on a waiting list
    for referral in Referral.objects.select_related("pathway__stay").prefetch_related("events"):
        events = list(referral.events.all())
        dates = [e.on for e in events]
        assert dates == sorted(dates) and dates[0] == referral.sent_on
        assert referral.pathway.stay.admission_date <= referral.sent_on and dates[-1] <= today
        assert events[0].status == ReferralStatus.SENT and events[-1].status == referral.status
        for before, after in zip(events, events[1:], strict=False):
            assert after.status in TRANSITIONS[before.status]
        assert referral.status_since == dates[-1]
        assert (referral.closed_on == dates[-1]) if referral.status == ReferralStatus.CLOSED else not referral.closed_on
    assert AuditEvent.objects.filter(object_type="referrals.referral", action="create").count() == counts["referrals"]


def test_seed_is_deterministic_and_skips_closed_pathways(methodologies, org_a, location_a, worker):
    today = timezone.localdate()
    pathways = _children(org_a, location_a, worker, today, n=8)
    Pathway.objects.filter(pk=pathways[0].pk).update(closed_on=today)
    pathways[0].refresh_from_db()
    first = seed(pathways, actor=worker, today=today, rng=random.Random(9))
    assert not Referral.objects.filter(pathway=pathways[0]).exists()
    rows = list(Referral.objects.order_by("pk").values_list("pathway_id", "kind", "status", "sent_on"))
    Referral.objects.all().delete()
    assert seed(pathways, actor=worker, today=today, rng=random.Random(9)) == first
    assert list(Referral.objects.order_by("pk").values_list("pathway_id", "kind", "status", "sent_on")) == rows
