"""Follow-up work on "Mijn werk": whose pathways the providers get, and how items are ordered and shown."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.pathway import followups, queries
from veerkracht.pathway.followups import FollowUp, state_for
from veerkracht.pathway.models import Pathway

from .test_pathway import register, verified

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


@pytest.fixture
def worker(staff, org_a):  # type: ignore[no-untyped-def]
    return staff(Role.KINDERWERKER, org_a, username="kw_f", first_name="Kim", last_name="Werker")


@pytest.fixture
def provider():  # type: ignore[no-untyped-def]
    """A provider as an app registers one: one query over the pathways it is given."""
    calls = []

    def due_for_review(pathways, today):  # type: ignore[no-untyped-def]
        calls.append(today)
        for pathway in pathways.select_related("stay__person").order_by("pk"):
            due = pathway.stay.admission_date + 7 * DAY
            yield FollowUp(child=pathway.stay.person, kind="review", title="Review the plan",
                           state=state_for(due, today), due_date=due, url="/plan/")

    followups.register(due_for_review)
    yield calls
    followups.unregister(due_for_review)


def test_state_for_a_due_date():
    today = TODAY()
    assert state_for(today - DAY, today) == "overdue"
    assert state_for(today, today) == "due_this_week"
    assert state_for(today + 6 * DAY, today) == "due_this_week"
    assert state_for(today + 7 * DAY, today) == "open"
    assert state_for(None, today) == "open"


def test_a_worker_gets_own_children_a_team_leader_the_organisation(methodologies, worker, staff, org_a, org_b,
                                                                   location_a):
    other = staff(Role.KINDERWERKER, org_a, username="kw_other")
    (mine,) = register(worker, location_a, admission=TODAY() - 3 * DAY, child_worker=worker)
    (theirs,) = register(worker, location_a, admission=TODAY() - 3 * DAY, child_worker=other)
    leader = staff(Role.TEAMLEIDER, org_a, username="tl_f")
    stranger = staff(Role.TEAMLEIDER, org_b, username="tl_b")
    municipality = staff(Role.GEMEENTE, region=org_a.regions.first(), username="gem_f")

    def children(user):  # type: ignore[no-untyped-def]
        return set(queries.followup_pathways(verified(user)).values_list("stay__person", flat=True))

    assert children(worker) == {mine.pk}
    assert children(leader) == {mine.pk, theirs.pk}
    assert children(stranger) == set()
    assert children(municipality) == set()
    Pathway.objects.filter(stay__person=theirs).update(closed_on=TODAY())
    assert children(leader) == {mine.pk}


def test_worklist_shows_items_most_urgent_first(methodologies, worker, location_a, client_for, provider):
    (late,) = register(worker, location_a, admission=TODAY() - 10 * DAY, child_worker=worker)
    (soon,) = register(worker, location_a, admission=TODAY() - 3 * DAY, child_worker=worker)
    (later,) = register(worker, location_a, admission=TODAY(), child_worker=worker)
    client = client_for(worker)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("pathway:worklist")).content.decode()
    section = html.split('id="work-followups"', 1)[1]
    order = [section.index(child.full_name) for child in (late, soon, later)]
    assert order == sorted(order)
    rows = section.split('data-followup="review"')[1:]
    assert len(rows) == 3
    assert (TODAY() - 3 * DAY).strftime("%d-%m-%Y") in rows[0]
    assert provider  # the provider was asked once for the page
    assert len(provider) == 1


def test_an_urgent_item_comes_before_every_other(methodologies, worker, location_a):
    (child,) = register(worker, location_a, admission=TODAY() - 30 * DAY, child_worker=worker)
    old = FollowUp(child=child, kind="evaluation", title="Evaluate", state="overdue", due_date=TODAY() - 10 * DAY)
    urgent = FollowUp(child=child, kind="screening_signal", title="Urgent", state="overdue", due_date=TODAY(),
                      urgent=True)

    def provider(pathways, today):  # type: ignore[no-untyped-def]
        return [old, urgent]

    followups.register(provider)
    try:
        assert followups.followups(Pathway.objects.all(), TODAY()) == [urgent, old]
    finally:
        followups.unregister(provider)
