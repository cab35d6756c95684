"""The monitoring exports (issue 8 point 5): CSV and XLSX of the dashboard's tables and the annual report
PDF carry the same protected figures as the screen, never a location's name or a child, have a file name
without personal data, and every export is in the access log."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from veerkracht.audit.models import Action, AuditEvent

from . import test_views as shared

# the fixtures of test_views (synthetic facts of two regions)
english = shared.english
gemeente_noord = shared.gemeente_noord
gemeente_zuid = shared.gemeente_zuid
teamleider_a = shared.teamleider_a
world = shared.world


def _csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _find(rows, code, column=1):  # type: ignore[no-untyped-def]
    return next(r for r in rows if len(r) > column and r[column] == code)


def test_csv_has_the_protected_figures_of_the_screen_and_is_logged(client_for, gemeente_noord, world):
    response = client_for(gemeente_noord).get(reverse("monitoring:export_csv"), {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="monitoring-regio-{world["noord"].pk}-2025.csv"'
    rows = _csv_rows(response)
    safety_plan = _find(rows, "safety_plan")
    # value, numerator, denominator, note; then the Netherlands (118 of 211: published 120 of 210)
    assert safety_plan[5:9] == ["61.0", "50", "85", ""]
    assert safety_plan[10:14] == ["56.0", "120", "210", ""]
    text = "\n".join(";".join(r) for r in rows)
    for name in ("De Linde", "Het Baken"):
        assert name not in text
    assert "Opvang Noord: Location 1" in text
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("id")
    assert event.user_id == gemeente_noord.pk
    assert event.object_type == "organisations.region" and event.object_id == str(world["noord"].pk)
    assert event.detail == "monitoring csv 2025 protected"


def test_csv_shows_the_reason_of_a_hidden_figure(client_for, gemeente_zuid, world):
    rows = _csv_rows(client_for(gemeente_zuid).get(reverse("monitoring:export_csv"), {"year": 2025}))
    klein = [r for r in rows if len(r) > 1 and r[1] == "Opvang Klein" and r[2] == "normenkader_1"]
    assert klein and klein[0][4] == "" and klein[0][7] == "fewer than 5"


def test_xlsx_opens_with_the_same_figures(client_for, gemeente_noord, world):
    from openpyxl import load_workbook

    response = client_for(gemeente_noord).get(reverse("monitoring:export_xlsx"), {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'regio-{world["noord"].pk}-2025.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["About", "Indicators", "Trend", "Breakdowns"]
    rows = [list(r) for r in book["Indicators"].iter_rows(values_only=True)]
    safety_plan = _find(rows, "safety_plan")
    assert safety_plan[5:8] == [61.0, "50", "85"]
    text = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert "De Linde" not in text and "Het Baken" not in text
    assert AuditEvent.objects.filter(action=Action.EXPORT, detail="monitoring xlsx 2025 protected").count() == 1


def test_team_leader_export_of_the_own_organisation_is_exact_without_location_names(client_for, teamleider_a, world):
    response = client_for(teamleider_a).get(reverse("monitoring:export_csv"), {"year": 2025})
    assert response["Content-Disposition"].endswith(f'organisatie-{world["org_a"].pk}-2025.csv"')
    rows = _csv_rows(response)
    assert _find(rows, "safety_plan")[5:8] == ["61.0", "52", "85"]
    text = "\n".join(";".join(r) for r in rows)
    assert "De Linde" not in text and "Location 1" in text
    assert "do not publish them" in text
    assert AuditEvent.objects.filter(action=Action.EXPORT, detail="monitoring csv 2025 exact",
                                     object_type="organisations.organisation").exists()


def test_bad_year_gives_the_page_with_a_message_and_no_file(client_for, gemeente_noord):
    before = AuditEvent.objects.filter(action=Action.EXPORT).count()
    response = client_for(gemeente_noord).get(reverse("monitoring:export_csv"), {"year": "x"})
    assert response.status_code == 400
    assert "data-filter-errors" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.EXPORT).count() == before


def test_csv_cells_that_look_like_formulas_are_quoted():
    from veerkracht.monitoring.exports import _cell

    assert _cell("=SUM(A1)") == "'=SUM(A1)"
    assert _cell("+31") == "'+31"
    assert _cell("-") == "-"
    assert _cell(12.0) == 12.0


def test_annual_report_pdf(client_for, gemeente_noord, world):
    from pypdf import PdfReader

    response = client_for(gemeente_noord).get(reverse("monitoring:annual_report"), {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="jaarrapport-regio-{world["noord"].pk}-2025.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Annual report 2025: region Regio Noord" in text
    assert "61%" in text and "Trend over the years" in text
    assert "Opvang Noord: Location 1" in text
    assert "De Linde" not in text and "Het Baken" not in text
    # tagged PDF (PDF/UA)
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    assert AuditEvent.objects.filter(action=Action.EXPORT, detail="monitoring pdf 2025 protected").count() == 1
