"""The monitoring's demo step: synthetic history generated once, then the facts refreshed (also the second
time, which generates nothing)."""

from __future__ import annotations

from django.test import override_settings

from veerkracht.monitoring import demo
from veerkracht.monitoring.models import ChildStayFact


@override_settings(DEMO_MODE=True)
def test_demo_step_generates_history_once_and_refreshes_the_facts(db):
    result = demo.seed(children=40, years=2)
    assert result["generated"]["children"] == 40
    assert ChildStayFact.objects.count() == 40
    assert len(set(ChildStayFact.objects.values_list("year", flat=True))) >= 2
    again = demo.seed(children=40, years=2)
    assert again["generated"] == {}
    assert ChildStayFact.objects.count() == 40
