"""The demo seed: intakes for most children, in every age band, audited, deterministic."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from veerkracht.audit.models import AuditEvent
from veerkracht.intake import demo
from veerkracht.intake.models import IntakeRecord

pytestmark = pytest.mark.django_db


def test_seed_creates_intakes_in_every_age_band(make_pathway, worker):
    today = timezone.localdate()
    pathways = [make_pathway(birth_date=today - datetime.timedelta(days=365 * age + 100)) for age in
                (1, 2, 5, 7, 9, 13, 15, 16, 2, 10, 14, 6)]
    counts = demo.seed(pathways, actor=worker, today=today, rng=random.Random(7))
    assert counts["intakes"] == IntakeRecord.objects.count() >= 8
    assert set(IntakeRecord.objects.values_list("form_used", flat=True)) == {"observation", "conversation", "interview"}
    assert AuditEvent.objects.filter(object_type="intake.intakerecord", action="create").count() == counts["intakes"]
    for intake in IntakeRecord.objects.select_related("pathway__stay"):
        assert intake.pathway.stay.admission_date <= intake.conversation_date <= today
    # a child with an intake never gets a second one
    demo.seed(pathways, actor=worker, today=today, rng=random.Random(8))
    assert IntakeRecord.objects.count() <= len(pathways)
