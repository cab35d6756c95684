"""Dossier, household and stay screens: access log, concurrency, bounded queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import ParentChild, Person, Stay, Transfer
from veerkracht.testing import factories

from .helpers import iso

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def teamleider_a(staff, org_a):  # type: ignore[no-untyped-def]
    return staff(Role.TEAMLEIDER, org_a, username="tl_a")


def test_dossier_shows_header_sections_and_logs_read(kinderwerker_a, client_for, child_a):
    mother = factories.PersonFactory(household=child_a.household, kind="mother", first_name="Anna")
    factories.ParentChildFactory(parent=mother, child=child_a, authority="yes")
    client = client_for(kinderwerker_a)
    response = client.get(reverse("clients:dossier", args=[child_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert child_a.client_number in html and "De Linde" in html and "Anna" in html
    assert 'id="core-activities"' in html
    # child_a comes from a factory (no service, so no pathway); pathway/tests cover the step plan itself
    assert "No step plan has been made for this stay yet." in html
    assert reverse("clients:discharge", args=[child_a.stays.get().pk]) in html
    event = AuditEvent.objects.filter(action="read").latest("id")
    assert event.client_id == child_a.pk
    assert event.user_id == kinderwerker_a.pk


def test_print_logs_print(kinderwerker_a, client_for, child_a):
    response = client_for(kinderwerker_a).get(reverse("clients:print", args=[child_a.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="print", client_id=child_a.pk).count() == 1


def test_search_logs_search_but_plain_view_does_not(kinderwerker_a, client_for, child_a):
    client = client_for(kinderwerker_a)
    client.get(reverse("clients:caseload"))
    assert not AuditEvent.objects.filter(action="search").exists()
    response = client.get(reverse("clients:caseload"), {"q": "Noor"})
    assert [row["person"] for row in response.context["rows"]] == [child_a]
    event = AuditEvent.objects.get(action="search")
    assert "Noor" not in event.detail
    assert "results=1" in event.detail


def test_export_csv_for_teamleider_logs_export_and_has_no_address(teamleider_a, client_for, child_a, location_a):
    response = client_for(teamleider_a).get(reverse("clients:export"))
    assert response.status_code == 200
    body = response.content.decode()
    assert child_a.client_number in body and "De Linde" in body
    assert location_a.address.splitlines()[0] not in body
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_concurrent_edit_is_refused_and_input_kept(kinderwerker_a, client_for, child_a):
    url = reverse("clients:edit", args=[child_a.pk])
    client = client_for(kinderwerker_a)
    version = client.get(url).context["form"].initial["version"]
    base = {"last_name": "Jansen", "birth_date": iso(child_a.birth_date), "gender": "f", "child_worker": "", "version": version}
    first = client.post(url, {**base, "first_name": "Nora"})
    assert first.status_code == 302
    second = client.post(url, {**base, "first_name": "Noortje"})
    assert second.status_code == 200
    html = second.content.decode()
    assert "Someone else changed this record" in html
    assert 'value="Noortje"' in html  # the user's input is kept
    assert second.context["current"].first_name == "Nora"  # and the stored value is shown
    child_a.refresh_from_db()
    assert child_a.first_name == "Nora"
    # saving again now succeeds: the form carries the current version
    third = client.post(url, second.context["form"].data)
    assert third.status_code == 302
    child_a.refresh_from_db()
    assert child_a.first_name == "Noortje"


def test_transfer_discharge_and_admit(kinderwerker_a, client_for, child_a, org_a, location_a):
    other = factories.LocationFactory(organisation=org_a, name="De Eik", region=location_a.region)
    stay = child_a.stays.get()
    client = client_for(kinderwerker_a)
    response = client.post(reverse("clients:transfer", args=[stay.pk]),
                           {"to_location": other.pk, "date": iso(TODAY() - datetime.timedelta(days=2)), "version": stay.version})
    assert response.status_code == 302
    assert Transfer.objects.filter(stay=stay, to_location=other).exists()
    stay.refresh_from_db()
    response = client.post(reverse("clients:discharge", args=[stay.pk]),
                           {"discharge_date": iso(TODAY()), "destination": "own_home", "version": stay.version})
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.discharge_date == TODAY()
    html = client.get(reverse("clients:dossier", args=[child_a.pk])).content.decode()
    assert reverse("clients:admit", args=[child_a.pk]) in html
    response = client.post(reverse("clients:admit", args=[child_a.pk]),
                           {"location": location_a.pk, "care_type": "ambulant", "admission_date": iso(TODAY()), "reason": "other"})
    assert response.status_code == 302
    assert Stay.objects.filter(person=child_a, discharge_date__isnull=True).count() == 1


def test_stale_discharge_is_refused(kinderwerker_a, client_for, child_a):
    stay = child_a.stays.get()
    client = client_for(kinderwerker_a)
    data = {"discharge_date": iso(TODAY()), "destination": "own_home", "version": stay.version + 5}
    response = client.post(reverse("clients:discharge", args=[stay.pk]), data)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    stay.refresh_from_db()
    assert stay.discharge_date is None


def test_household_add_father_and_authority(kinderwerker_a, client_for, child_a):
    client = client_for(kinderwerker_a)
    household = child_a.household
    response = client.get(reverse("clients:household", args=[household.pk]))
    assert response.status_code == 200 and "Noor" in response.content.decode()
    response = client.post(reverse("clients:add_father", args=[household.pk]),
                           {"first_name": "Karel", "last_name": "Jansen", "birth_date": "", "children": [child_a.pk], "authority": "no"})
    assert response.status_code == 302
    father = Person.objects.get(kind="father")
    link = ParentChild.objects.get(parent=father, child=child_a)
    assert link.authority == "no"
    response = client.post(reverse("clients:authority", args=[link.pk]),
                           {"authority": "yes", "authority_checked_on": iso(TODAY()), "version": link.version})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.authority == "yes" and link.authority_checked_on == TODAY()
    response = client.post(reverse("clients:add_father", args=[household.pk]),
                           {"first_name": "Piet", "last_name": "Jansen", "authority": "no"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


# --- bounded queries ----------------------------------------------------------------------
def _count_queries(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _children(org, location, n):  # type: ignore[no-untyped-def]
    worker = factories.make_staff(Role.KINDERWERKER, org)
    for _i in range(n):
        child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org), child_worker=worker)
        factories.StayFactory(person=child, location=location)


def test_caseload_queries_are_bounded(kinderwerker_a, client_for, org_a, location_a, django_assert_max_num_queries):
    client = client_for(kinderwerker_a)
    url = reverse("clients:caseload")
    _children(org_a, location_a, 3)
    client.get(url)  # warm up caches
    small = _count_queries(client, url)
    _children(org_a, location_a, 27)
    large = _count_queries(client, url)
    assert small == large
    with django_assert_max_num_queries(15):
        client.get(url)


def _history(child, location, stays, parents):  # type: ignore[no-untyped-def]
    start = TODAY() - datetime.timedelta(days=400)
    child.stays.update(admission_date=start)
    for i in range(stays - 1):
        admission = start - datetime.timedelta(days=30 * (i + 2))
        closed = factories.StayFactory(person=child, location=location, admission_date=admission,
                                       discharge_date=admission + datetime.timedelta(days=20))
        Transfer.objects.create(stay=closed, from_location=location, to_location=location,
                                date=admission + datetime.timedelta(days=5))
    for _i in range(parents):
        parent = factories.PersonFactory(household=child.household, kind="mother")
        factories.ParentChildFactory(parent=parent, child=child)


def test_dossier_queries_are_bounded(kinderwerker_a, client_for, child_a, location_a, org_a, django_assert_max_num_queries):
    client = client_for(kinderwerker_a)
    other = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a))
    factories.StayFactory(person=other, location=location_a)
    _history(child_a, location_a, stays=1, parents=1)
    _history(other, location_a, stays=10, parents=10)
    client.get(reverse("clients:dossier", args=[child_a.pk]))  # warm up caches
    small = _count_queries(client, reverse("clients:dossier", args=[child_a.pk]))
    large = _count_queries(client, reverse("clients:dossier", args=[other.pk]))
    assert small == large
    with django_assert_max_num_queries(20):
        client.get(reverse("clients:dossier", args=[other.pk]))
    # print and household pages are bounded too
    assert _count_queries(client, reverse("clients:print", args=[child_a.pk])) == _count_queries(
        client, reverse("clients:print", args=[other.pk]))
    assert _count_queries(client, reverse("clients:household", args=[child_a.household.pk])) == _count_queries(
        client, reverse("clients:household", args=[other.household.pk]))
