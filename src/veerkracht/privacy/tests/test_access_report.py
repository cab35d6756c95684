"""The "who accessed this child's record" report for the log administrator (NEN 7513)."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action, AuditEvent
from veerkracht.audit.services import record
from veerkracht.testing import factories

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewed(child_a, org_a, staff):  # type: ignore[no-untyped-def]
    """child_a opened by two named workers; another child of the same organisation by a third."""
    anna = staff(Role.KINDERWERKER, org_a, username="anna_kw", first_name="Anna", last_name="Visser")
    bram = staff(Role.MENTOR, org_a, username="bram_m", first_name="Bram", last_name="Smit")
    carla = staff(Role.KINDERWERKER, org_a, username="carla_kw", first_name="Carla", last_name="Meijer")
    other = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a), first_name="Ander", last_name="Kind")
    record(actor=anna, action=Action.READ, obj=child_a, client=child_a, detail="dossier")
    record(actor=bram, action=Action.UPDATE, obj=child_a, client=child_a, changed_fields=["first_name"])
    record(actor=carla, action=Action.READ, obj=other, client=other, detail="dossier")
    return {"anna": anna, "bram": bram, "carla": carla, "other": other}


def test_report_lists_exactly_this_childs_events(client_for, logbeheerder_a, child_a, viewed):
    response = client_for(logbeheerder_a).get(reverse("privacy:access_report"), {"client_number": child_a.client_number})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Visser" in html and "Bram Smit" in html
    assert "Carla Meijer" not in html
    rows = response.context["rows"]
    assert len(rows) == AuditEvent.objects.filter(client_id=child_a.pk).count() - 1  # the report's own log_read came after
    assert {r.user_name for r in rows} == {"Anna Visser", "Bram Smit"}
    assert html.count("<h1") == 1


def test_reading_the_report_is_logged(client_for, logbeheerder_a, child_a, viewed):
    client_for(logbeheerder_a).get(reverse("privacy:access_report"), {"client_number": child_a.client_number})
    event = AuditEvent.objects.filter(action=Action.LOG_READ).latest("id")
    assert event.user_id == logbeheerder_a.pk and event.client_id == child_a.pk


def test_unknown_or_other_organisations_client_number_finds_nothing(client_for, logbeheerder_a, child_b):
    response = client_for(logbeheerder_a).get(reverse("privacy:access_report"), {"client_number": child_b.client_number})
    assert response.status_code == 200
    assert response.context["not_found"] is True
    assert child_b.full_name not in response.content.decode()


def test_pdf_has_names_and_no_location_nor_ip(client_for, logbeheerder_a, child_a, location_a, viewed, weasyprint_loaded):
    started = time.perf_counter()
    response = client_for(logbeheerder_a).get(reverse("privacy:access_report_pdf", args=[child_a.pk]))
    elapsed = time.perf_counter() - started
    print(f"access report PDF: {elapsed:.3f} s")
    assert elapsed < 3
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert child_a.full_name in text
    assert child_a.client_number in text
    assert "Anna Visser" in text and "Bram Smit" in text
    assert "Carla Meijer" not in text
    assert location_a.name not in text
    for line in location_a.address.splitlines():
        assert line.strip() not in text
    assert "127.0.0.1" not in text
    for request_id in AuditEvent.objects.exclude(request_id="").values_list("request_id", flat=True):
        assert request_id not in text
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("id")
    assert event.client_id == child_a.pk and event.user_id == logbeheerder_a.pk


def test_pdf_is_tagged_with_language(client_for, logbeheerder_a, child_a, viewed):
    import io

    from pypdf import PdfReader

    response = client_for(logbeheerder_a).get(reverse("privacy:access_report_pdf", args=[child_a.pk]))
    root = PdfReader(io.BytesIO(response.content)).trailer["/Root"]
    assert "/StructTreeRoot" in root and "/Lang" in root


@pytest.mark.parametrize("role", [Role.KINDERWERKER, Role.MENTOR, Role.GEDRAGSWETENSCHAPPER, Role.TEAMLEIDER, Role.FUNCTIONEEL_BEHEERDER])
def test_other_roles_are_refused(client_for, staff, org_a, child_a, role):
    client = client_for(staff(role, org_a, username=f"x_{role}"))
    assert client.get(reverse("privacy:access_report"), {"client_number": child_a.client_number}).status_code == 403
    assert client.get(reverse("privacy:access_report_pdf", args=[child_a.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action__in=[Action.LOG_READ, Action.EXPORT]).exists()


def test_other_organisations_child_is_404(client_for, logbeheerder_a, child_b):
    response = client_for(logbeheerder_a).get(reverse("privacy:access_report_pdf", args=[child_b.pk]))
    assert response.status_code == 404


def test_logbeheerder_of_other_org_gets_404(client_for, staff, org_b, child_a):
    log_b = staff(Role.LOGBEHEERDER, org_b, username="log_b")
    assert client_for(log_b).get(reverse("privacy:access_report_pdf", args=[child_a.pk])).status_code == 404


def test_linked_from_the_log_viewer_and_start_page(client_for, logbeheerder_a):
    client = client_for(logbeheerder_a)
    url = reverse("privacy:access_report")
    assert url in client.get(reverse("audit:log")).content.decode()
    assert url in client.get(reverse("core:home")).content.decode()
