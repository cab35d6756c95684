"""Registering a household in one flow; every refusal shows its message and writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import Household, ParentChild, Person, Stay
from veerkracht.testing import factories

from .helpers import counts, iso, registration_data, years_ago

pytestmark = pytest.mark.django_db


def test_register_page_starts_with_two_child_rows(kinderwerker_a, client_for, location_a):
    response = client_for(kinderwerker_a).get(reverse("clients:register"))
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 2
    assert response.content.decode().count("<h1") == 1


def test_add_child_keeps_input_and_adds_a_row(kinderwerker_a, client_for, location_a):
    data = registration_data(location_a)
    data.pop("save")
    data["add_child"] = "1"
    client = client_for(kinderwerker_a)
    before = counts()
    response = client.post(reverse("clients:register"), data)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 3
    html = response.content.decode()
    assert 'value="Lotte"' in html and 'value="Sanne"' in html
    assert 'role="alert"' not in html
    assert counts() == before


def test_successful_registration_creates_persons_stays_relations_and_audit(kinderwerker_a, client_for, location_a, org_a, staff):
    mentor = staff(Role.MENTOR, org_a, username="mentor_a")
    data = registration_data(location_a, **{"stay-mentor": mentor.pk})
    data["children-0-child_worker"] = kinderwerker_a.pk
    client = client_for(kinderwerker_a)
    before = counts()
    response = client.post(reverse("clients:register"), data)
    assert response.status_code == 302
    household = Household.objects.get()
    assert response["Location"] == reverse("clients:household", args=[household.pk])
    assert household.mentor == mentor
    children = Person.objects.filter(household=household, kind="child")
    assert children.count() == 2
    assert Person.objects.filter(household=household, kind="mother").count() == 1
    assert Stay.objects.filter(person__household=household, discharge_date__isnull=True).count() == 3
    assert ParentChild.objects.filter(child__household=household, authority="yes").count() == 2
    assert children.get(first_name="Lotte").child_worker == kinderwerker_a
    assert all(p.client_number for p in household.members.all())
    after = counts()
    assert after["persons"] == before["persons"] + 3
    for child in children:
        event = AuditEvent.objects.get(action="create", client_id=child.pk, object_type="clients.person")
        assert event.user_id == kinderwerker_a.pk
        assert event.role == Role.KINDERWERKER
        assert event.organisation_id == org_a.pk
        assert "first_name" in event.changed_fields
        assert AuditEvent.objects.filter(action="create", client_id=child.pk, object_type="clients.stay").exists()
        assert AuditEvent.objects.filter(action="create", client_id=child.pk, object_type="clients.parentchild").exists()
    follow = client_for(kinderwerker_a).get(response["Location"])
    assert "Lotte" in follow.content.decode()


def _assert_refused(response, before, message):  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert message in html
    assert counts() == before


def test_future_birth_date_is_refused(kinderwerker_a, client_for, location_a):
    future = iso(timezone.localdate() + datetime.timedelta(days=30))
    data = registration_data(location_a, children=[{"first_name": "Mila", "last_name": "Bakker", "birth_date": future}])
    client = client_for(kinderwerker_a)
    before = counts()
    response = client.post(reverse("clients:register"), data)
    _assert_refused(response, before, "The date of birth lies in the future.")


def test_adult_registered_as_child_is_refused(kinderwerker_a, client_for, location_a):
    data = registration_data(location_a, children=[{"first_name": "Eva", "last_name": "Bakker", "birth_date": iso(years_ago(19))}])
    client = client_for(kinderwerker_a)
    before = counts()
    response = client.post(reverse("clients:register"), data)
    _assert_refused(response, before, "A child must be younger than 18 on the admission date")


def test_duplicate_registration_is_refused(kinderwerker_a, client_for, location_a, org_a):
    birth = years_ago(7)
    household = factories.HouseholdFactory(organisation=org_a)
    factories.PersonFactory(household=household, first_name="Lotte", last_name="Bakker", birth_date=birth)
    data = registration_data(location_a, children=[{"first_name": "lotte", "last_name": "BAKKER", "birth_date": iso(birth)}])
    client = client_for(kinderwerker_a)
    before = counts()
    response = client.post(reverse("clients:register"), data)
    _assert_refused(response, before, "is already registered in your organisation")


def test_same_person_in_other_organisation_is_not_a_duplicate(kinderwerker_a, client_for, location_a, org_b):
    birth = years_ago(7)
    factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_b), first_name="Lotte",
                            last_name="Bakker", birth_date=birth)
    data = registration_data(location_a, children=[{"first_name": "Lotte", "last_name": "Bakker", "birth_date": iso(birth)}])
    response = client_for(kinderwerker_a).post(reverse("clients:register"), data)
    assert response.status_code == 302


def test_no_children_is_refused(kinderwerker_a, client_for, location_a):
    data = registration_data(location_a, children=[{}, {}])
    client = client_for(kinderwerker_a)
    before = counts()
    response = client.post(reverse("clients:register"), data)
    _assert_refused(response, before, "Register at least one child.")


def test_location_of_other_organisation_is_refused(kinderwerker_a, client_for, location_b):
    client = client_for(kinderwerker_a)
    before = counts()
    response = client.post(reverse("clients:register"), registration_data(location_b))
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert counts() == before


def test_discharge_before_admission_is_refused(kinderwerker_a, client_for, child_a):
    stay = child_a.stays.get()
    client = client_for(kinderwerker_a)
    before = counts()
    response = client.post(
        reverse("clients:discharge", args=[stay.pk]),
        {"discharge_date": iso(stay.admission_date - datetime.timedelta(days=3)), "destination": "own_home", "version": stay.version},
    )
    _assert_refused(response, before, "The discharge date lies before the admission date")
    stay.refresh_from_db()
    assert stay.discharge_date is None
