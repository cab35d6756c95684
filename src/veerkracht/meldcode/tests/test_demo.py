"""The demo seed: one open track at step 3, one closed track with a report to Veilig Thuis."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from veerkracht.meldcode import demo
from veerkracht.meldcode.models import MeldcodeTrack


def test_seed_creates_an_open_and_a_closed_track(make_pathway, worker, gw):
    pathways = [make_pathway() for _ in range(4)]
    counts = demo.seed(pathways, actor=worker, today=timezone.localdate(), rng=random.Random(3))
    assert counts == {"open_tracks": 1, "closed_tracks": 1, "steps": 8}
    open_track = MeldcodeTrack.objects.get(closed_on__isnull=True)
    assert list(open_track.steps.values_list("number", flat=True)) == [1, 2, 3]
    closed = MeldcodeTrack.objects.get(closed_on__isnull=False)
    decision = closed.steps.get(number=5)
    assert decision.reported and decision.report_reference.startswith("VT-") and decision.taken_by == gw


@pytest.fixture
def gw(staff, org_a):  # type: ignore[no-untyped-def]
    return staff("gedragswetenschapper", org_a, username="gw_demo")
