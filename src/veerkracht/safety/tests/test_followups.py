"""The safety plan on "Mijn werk": review dates near or past, and plans waiting for adoption."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from veerkracht.pathway.models import Pathway
from veerkracht.pathway.tests.test_pathway import register
from veerkracht.safety import services
from veerkracht.safety.models import SafetyPlan

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def _plan(child, worker, gw=None, review_in=None):  # type: ignore[no-untyped-def]
    pathway = Pathway.objects.get(stay__person=child)
    services.do_save_safety_plan(pathway, content={"risks": "Vader zoekt het kind"}, expected_version=0, actor=worker)
    if gw is not None:
        services.do_adopt_safety_plan(SafetyPlan.objects.get(pathway=pathway), review_date=TODAY() + review_in * DAY,
                                      expected_version=1, actor=gw)
    return pathway


def _rows(client, kind):  # type: ignore[no-untyped-def]
    html = client.get(reverse("pathway:worklist")).content.decode()
    section = html.split('id="work-followups"', 1)[1]
    return section.split(f'data-followup="{kind}"')[1:]


def test_review_dates_within_a_week_and_drafts_are_on_the_worklist(methodologies, worker, gw, location_a,
                                                                   client_for):
    soon, later, draft, nothing = register(worker, location_a, admission=TODAY() - 20 * DAY, children=4,
                                           child_worker=worker)
    _plan(soon, worker, gw, review_in=3)
    _plan(later, worker, gw, review_in=60)
    _plan(draft, worker)
    client = client_for(worker)
    reviews = _rows(client, "safety_review")
    assert len(reviews) == 1
    assert soon.full_name in reviews[0] and (TODAY() + 3 * DAY).strftime("%d-%m-%Y") in reviews[0]
    adoptions = _rows(client, "safety_adoption")
    assert len(adoptions) == 1 and draft.full_name in adoptions[0]
    html = client.get(reverse("pathway:worklist")).content.decode()
    assert later.full_name not in html.split('id="work-followups"', 1)[1].split("</section>", 1)[0]


def test_a_passed_review_date_is_overdue_and_a_new_review_date_removes_it(methodologies, worker, gw, location_a,
                                                                          client_for):
    (child,) = register(worker, location_a, admission=TODAY() - 200 * DAY, child_worker=worker)
    pathway = _plan(child, worker, gw, review_in=10)
    SafetyPlan.objects.filter(pathway=pathway).update(review_date=TODAY() - 2 * DAY)
    client = client_for(worker)
    (row,) = _rows(client, "safety_review")
    assert "status--overdue" in row
    stored = SafetyPlan.objects.get(pathway=pathway)
    services.do_set_review_date(stored, review_date=TODAY() + 90 * DAY, expected_version=stored.version, actor=gw)
    assert _rows(client, "safety_review") == []


def test_one_query_for_any_number_of_plans(methodologies, worker, gw, location_a, django_assert_num_queries):
    from veerkracht.safety.followups import due_reviews

    children = register(worker, location_a, admission=TODAY() - 20 * DAY, children=3, child_worker=worker)
    for child in children:
        _plan(child, worker, gw, review_in=2)
    with django_assert_num_queries(1):
        items = list(due_reviews(Pathway.objects.all(), TODAY()))
    assert {i.child.pk for i in items} == {c.pk for c in children}
    assert {i.state for i in items} == {"due_this_week"}


def test_the_gedragswetenschapper_sees_the_organisations_plans_waiting_for_her(methodologies, worker, gw, location_a,
                                                                              client_for):
    """She is nobody's child worker: she gets every child of her organisation, but only what waits for her."""
    from veerkracht.plans import services as plan_services

    waiting, adopted = register(worker, location_a, admission=TODAY() - 20 * DAY, children=2, child_worker=worker)
    _plan(waiting, worker)
    _plan(adopted, worker, gw, review_in=3)
    plan_services.do_save_help_plan(Pathway.objects.get(stay__person=adopted), child_view="Ik wil naar huis",
                                    goals=[{"domain": "school", "description": "Naar school", "start_score": 4}],
                                    parent_view="", expected_version=0, actor=worker)
    client = client_for(gw)
    (row,) = _rows(client, "safety_adoption")
    assert waiting.full_name in row
    assert len(_rows(client, "safety_review")) == 1
    (row,) = _rows(client, "help_plan_adoption")
    assert adopted.full_name in row
    # the worker sees the same adoption items for her own children; the gedragswetenschapper no referrals etc.
    assert len(_rows(client_for(worker), "help_plan_adoption")) == 1


def test_a_changed_plan_keeps_its_overdue_review_on_the_worklist(methodologies, worker, gw, location_a, client_for):
    (child,) = register(worker, location_a, admission=TODAY() - 200 * DAY, child_worker=worker)
    pathway = _plan(child, worker, gw, review_in=10)
    SafetyPlan.objects.filter(pathway=pathway).update(review_date=TODAY() - 5 * DAY)
    stored = SafetyPlan.objects.get(pathway=pathway)
    services.do_save_safety_plan(pathway, content={"risks": "Nieuw risico"}, expected_version=stored.version,
                                 actor=worker)
    client = client_for(worker)
    (row,) = _rows(client, "safety_review")
    assert "status--overdue" in row
    assert len(_rows(client, "safety_adoption")) == 1
