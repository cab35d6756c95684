"""The demo seed writes networks of 4-9 members through the services."""

from __future__ import annotations

import random

import pytest
from django.db.models import Count
from django.utils import timezone

from veerkracht.clients.models import PersonKind
from veerkracht.network.demo import seed
from veerkracht.network.models import NetworkMember
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db


def test_seed_creates_mixed_networks(methodologies, org_a, location_a, mentor_a):
    for i in range(6):
        household = factories.HouseholdFactory(organisation=org_a)
        child = factories.PersonFactory(household=household)
        if i % 2:
            father = factories.PersonFactory(household=household, kind=PersonKind.FATHER, client_number=None)
            factories.ParentChildFactory(parent=father, child=child)
        create_pathway_for_stay(factories.StayFactory(person=child, location=location_a), actor=mentor_a)
    pathways = list(Pathway.objects.select_related("stay__person").order_by("pk"))
    counts = seed(pathways, actor=mentor_a, today=timezone.localdate(), rng=random.Random(7))
    assert counts["network_members"] == NetworkMember.objects.count()
    sizes = NetworkMember.objects.values("pathway").annotate(n=Count("pk")).values_list("n", flat=True)
    assert len(sizes) == counts["networks"] > 0 and all(4 <= n <= 9 for n in sizes)
    assert {"supportive", "neutral"} <= set(NetworkMember.objects.values_list("quality", flat=True))
    assert not NetworkMember.objects.filter(quality="risk", safe_person=True).exists()
