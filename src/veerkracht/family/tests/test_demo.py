"""The demo seed writes realistic records through the services."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import PersonKind
from veerkracht.family.demo import seed
from veerkracht.family.models import ParentingAssessment, ParentSupportItem, SupportKind
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db


def test_seed_creates_assessments_and_every_kind_of_support(methodologies, org_a, location_a, mentor_a):
    for _i in range(8):
        household = factories.HouseholdFactory(organisation=org_a)
        mother = factories.PersonFactory(household=household, kind=PersonKind.MOTHER)
        child = factories.PersonFactory(household=household)
        factories.ParentChildFactory(parent=mother, child=child)
        create_pathway_for_stay(factories.StayFactory(person=child, location=location_a), actor=mentor_a)
    pathways = list(Pathway.objects.select_related("stay__person").order_by("pk"))
    counts = seed(pathways, actor=mentor_a, today=timezone.localdate(), rng=random.Random(4))
    assert counts["parenting_assessments"] == ParentingAssessment.objects.count() > 0
    assert counts["parent_support_items"] == ParentSupportItem.objects.count()
    assert set(ParentSupportItem.objects.values_list("kind", flat=True)) == set(SupportKind.values)
    assert AuditEvent.objects.filter(object_type="family.parentsupportitem", action="create").count() == counts[
        "parent_support_items"
    ]
