"""The monitoring's demo step: synthetic history generated once, then the facts refreshed (also the second
time, which generates nothing)."""

from __future__ import annotations

from django.test import override_settings

from veerkracht.monitoring import demo
from veerkracht.monitoring.models import ChildStayFact
from veerkracht.organisations.models import Region


@override_settings(DEMO_MODE=True)
def test_demo_step_generates_history_once_and_refreshes_the_facts(db):
    result = demo.seed(children=40, years=2)
    assert result["generated"]["children"] == 40
    assert ChildStayFact.objects.count() == 40
    assert len(set(ChildStayFact.objects.values_list("year", flat=True))) >= 2
    again = demo.seed(children=40, years=2)
    assert again["generated"] == {}
    assert ChildStayFact.objects.count() == 40


@override_settings(DEMO_MODE=True)
def test_the_demo_gemeente_region_gets_enough_children_to_publish(db):
    """The demo favours Regio Utrecht (the demo gemeente's region): about a quarter of the synthetic
    children instead of one in 24, so that most of its figures can be shown."""
    demo.seed(children=200, years=1)
    utrecht = Region.objects.get(name="Regio Utrecht")
    share = ChildStayFact.objects.filter(region_id=utrecht.pk).count() / ChildStayFact.objects.count()
    assert 0.15 < share < 0.45, share
