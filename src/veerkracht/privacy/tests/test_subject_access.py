"""Subject-access export (AVG art. 15): everything about one child, no location."""

from __future__ import annotations

import datetime
import json
import time

import pytest
from django.urls import reverse

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action, AuditEvent
from veerkracht.audit.services import record
from veerkracht.clients.models import PersonKind, Transfer
from veerkracht.testing import factories

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(org_a, location_a, child_a, staff):  # type: ignore[no-untyped-def]
    mother = factories.PersonFactory(household=child_a.household, kind=PersonKind.MOTHER, first_name="Fatima", last_name="Jansen")
    factories.ParentChildFactory(parent=mother, child=child_a, authority="yes", authority_checked_on=datetime.date(2026, 1, 5))
    other_location = factories.LocationFactory(organisation=org_a, name="Het Baken", region=location_a.region)
    stay = child_a.stays.get()
    Transfer.objects.create(stay=stay, from_location=location_a, to_location=other_location, date=stay.admission_date)
    worker = staff(Role.KINDERWERKER, org_a, username="kw_sar", first_name="Karin", last_name="Werker")
    record(actor=worker, action=Action.READ, obj=child_a, client=child_a)
    return {"mother": mother, "other_location": other_location}


def test_json_has_everything_and_no_location(client_for, teamleider_a, child_a, location_a, family):
    response = client_for(teamleider_a).get(reverse("privacy:subject_access_json", args=[child_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    raw = response.content.decode("utf-8")
    data = json.loads(raw)
    assert data["schema_version"] == "1"
    assert data["person"]["first_name"] == "Noor" and data["person"]["client_number"] == child_a.client_number
    assert len(data["stays"]) == 1
    stay = data["stays"][0]
    assert stay["admission_date"] == child_a.stays.get().admission_date.isoformat()
    assert stay["type_of_care"] and len(stay["transfers"]) == 1
    assert {m["first_name"] for m in data["household"]["members"]} == {"Noor", "Fatima"}
    assert data["household"]["relations"][0]["parental_authority"] == "yes"
    assert any(a["user"] == "Karin Werker" for a in data["access_log_summary"])
    for secret in (location_a.name, family["other_location"].name, *location_a.address.splitlines()):
        assert secret.strip() not in raw
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("id")
    assert event.client_id == child_a.pk and event.detail == "subject access json"


def test_pdf_renders_fast_and_leaks_no_location(client_for, gedragswetenschapper_a, child_a, location_a, family, weasyprint_loaded):
    started = time.perf_counter()
    response = client_for(gedragswetenschapper_a).get(reverse("privacy:subject_access_pdf", args=[child_a.pk]))
    elapsed = time.perf_counter() - started
    print(f"subject access PDF: {elapsed:.3f} s")
    assert elapsed < 3
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Noor Jansen" in text and "Fatima" in text and "Karin Werker" in text
    for secret in (location_a.name, family["other_location"].name, *location_a.address.splitlines()):
        assert secret.strip() not in text
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("id")
    assert event.client_id == child_a.pk and event.detail == "subject access pdf"


@pytest.mark.parametrize("role", [Role.KINDERWERKER, Role.MENTOR, Role.FUNCTIONEEL_BEHEERDER, Role.LOGBEHEERDER])
def test_other_roles_refused(client_for, staff, org_a, child_a, role):
    client = client_for(staff(role, org_a, username=f"z_{role}"))
    for name in ("privacy:subject_access_json", "privacy:subject_access_pdf", "privacy:client"):
        assert client.get(reverse(name, args=[child_a.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_other_organisation_is_404(client_for, staff, org_b, child_a):
    client = client_for(staff(Role.TEAMLEIDER, org_b, username="tl_b_sar"))
    for name in ("privacy:subject_access_json", "privacy:subject_access_pdf", "privacy:client"):
        assert client.get(reverse(name, args=[child_a.pk])).status_code == 404


def test_privacy_page(client_for, teamleider_a, child_a):
    response = client_for(teamleider_a).get(reverse("privacy:client", args=[child_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<h1") == 1
    assert reverse("privacy:erasure_request_create", args=[child_a.pk]) in html
    assert "style=" not in html and "<script>" not in html
