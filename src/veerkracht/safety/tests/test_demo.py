"""The demo seed gives children drafts, adopted plans and plans due for review, through the services."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.pathway.models import ActivityStatus, Pathway
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.safety.demo import seed
from veerkracht.safety.models import PlanStatus, SafetyPlan, SafetyPlanRevision
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db


def test_seed_makes_drafts_adopted_and_due_plans(methodologies, org_a, location_a, worker, gw):
    today = timezone.localdate()
    for i in range(16):
        child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a))
        admitted = today - datetime.timedelta(days=5 + 7 * i)
        create_pathway_for_stay(factories.StayFactory(person=child, location=location_a, admission_date=admitted),
                                actor=worker)
    pathways = list(Pathway.objects.select_related("stay__person").order_by("pk"))
    counts = seed(pathways, actor=worker, today=today, rng=random.Random(3))
    assert counts["safety_plans"] == SafetyPlan.objects.count() > 0
    assert counts["revisions"] == SafetyPlanRevision.objects.count()
    assert SafetyPlan.objects.filter(status=PlanStatus.DRAFT, adopted_revision__isnull=True).exists()
    assert SafetyPlan.objects.filter(status=PlanStatus.ADOPTED, review_date__gte=today).exists()
    assert SafetyPlan.objects.filter(status=PlanStatus.ADOPTED, review_date__lt=today).exists()  # due for review
    assert SafetyPlan.objects.filter(status=PlanStatus.DRAFT, adopted_revision__isnull=False).exists()
    for plan in SafetyPlan.objects.filter(adopted_revision__isnull=False).select_related("adopted_revision"):
        assert plan.adopted_revision.adopted_by.role == Role.GEDRAGSWETENSCHAPPER
        activity = plan.pathway.activities.get(definition__code="safety_plan")
        assert activity.status == ActivityStatus.DONE
        assert activity.completed_on == timezone.localtime(plan.adopted_revision.adopted_at).date()
    assert AuditEvent.objects.filter(object_type="safety.safetyplanrevision", action="create").count() \
        == counts["revisions"]
