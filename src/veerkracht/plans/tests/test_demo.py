"""The demo seed gives children draft, adopted, evaluated and overdue help plans, through the services."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.pathway.models import ActivityStatus, Pathway
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.plans.demo import seed
from veerkracht.plans.models import Action, Evaluation, Goal, GoalScore, GuidanceContact, HelpPlan, PlanStatus
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db


def test_seed_makes_draft_adopted_evaluated_and_overdue_plans(methodologies, org_a, location_a, worker, gw):
    today = timezone.localdate()
    for i in range(16):
        child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a))
        admitted = today - datetime.timedelta(days=5 + 9 * i)
        create_pathway_for_stay(factories.StayFactory(person=child, location=location_a, admission_date=admitted),
                                actor=worker)
    pathways = list(Pathway.objects.select_related("stay__person").order_by("pk"))
    counts = seed(pathways, actor=worker, today=today, rng=random.Random(3))
    assert counts["help_plans"] == HelpPlan.objects.count() > 0
    assert counts["goals"] == Goal.objects.count() and counts["actions"] == Action.objects.count()
    assert counts["evaluations"] == Evaluation.objects.count() > 0
    assert counts["contacts"] == GuidanceContact.objects.count() > 0
    assert HelpPlan.objects.filter(status=PlanStatus.DRAFT, adopted_on__isnull=True).exists()
    assert HelpPlan.objects.filter(status=PlanStatus.ADOPTED, next_evaluation_on__gte=today).exists()
    assert HelpPlan.objects.filter(status=PlanStatus.ADOPTED, next_evaluation_on__lt=today).exists()  # overdue
    assert HelpPlan.objects.filter(evaluations__isnull=False).exists()
    assert Action.objects.filter(done_on__isnull=False).exists() and Action.objects.filter(done_on=None).exists()
    assert len({g.domain for g in Goal.objects.all()}) >= 4
    for plan in HelpPlan.objects.filter(adopted_on__isnull=False):
        assert plan.adopted_by.role == Role.GEDRAGSWETENSCHAPPER
        assert plan.pathway.stay.admission_date <= plan.adopted_on <= today
        activity = plan.pathway.activities.get(definition__code="action_plan")
        assert activity.status == ActivityStatus.DONE and activity.completed_on == plan.adopted_on
        held = list(plan.evaluations.order_by("held_on").values_list("held_on", flat=True))
        assert all(plan.adopted_on < d <= today for d in held) and held == sorted(set(held))
        if held:
            assert plan.next_evaluation_on == held[-1] + datetime.timedelta(weeks=6)
    for evaluation in Evaluation.objects.all():  # every current goal scored, 0-10
        assert evaluation.scores.count() == evaluation.plan.goals.count()
    assert all(0 <= s <= 10 for s in GoalScore.objects.values_list("score", flat=True))
    for contact in GuidanceContact.objects.select_related("pathway__stay"):
        assert contact.pathway.stay.admission_date <= contact.date <= today
        assert all(g.plan.pathway_id == contact.pathway_id for g in contact.goals.all())
    assert AuditEvent.objects.filter(object_type="plans.guidancecontact", action="create").count() \
        == counts["contacts"]
