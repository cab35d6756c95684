"""The municipal monitoring in a real browser (issue 8): the demo gemeente user (region Utrecht) opens the
dashboard from the start page, reads an indicator's definition, switches the year (a GET form, no script),
opens the breakdowns, and downloads the tables as Excel and the annual report as PDF - the files open
(openpyxl, pypdf) and name no location. axe-core finds no WCAG 2.1 A/AA violation on the pages visited.

Assertions rest on names of inputs, hrefs and data attributes (the Dutch texts come with the catalogue)."""

from __future__ import annotations

import io
import re

import pytest

from .test_foundation_flow import log_in
from .test_plans_flow import pdf_text

pytestmark = pytest.mark.browser

GEMEENTE = "gemeente"
# names of the demo's locations, never shown to the gemeente (see demo/synthetic.py DEMO_ORGANISATIONS)
LOCATION_NAMES = ("De Linde", "Opvanghuis 1 Utrecht")


def test_gemeente_dashboard_year_switch_breakdowns_and_downloads(page, server, check_a11y):  # type: ignore[no-untyped-def]
    log_in(page, server, username=GEMEENTE)
    page.goto("/")
    page.locator("main a[href='/monitoring/']").click()
    page.wait_for_url(re.compile(r"/monitoring/$"))
    assert page.locator("nav a[href='/monitoring/'][aria-current=page]").count() == 1
    check_a11y(page, "monitoring dashboard")

    # every indicator with its definition, the normenkader groups, the trend chart with its table
    assert page.locator("tr[data-indicator]").count() >= 29
    assert page.locator("details[data-definition]").count() == page.locator("tr[data-indicator]").count()
    for number in ("1", "2", "3", "4"):
        assert page.locator(f"section[data-group='{number}']").count() == 1
    definition = page.locator("details[data-definition=normenkader_1]")
    definition.locator("summary").click()
    assert definition.locator("dd").first.is_visible()
    check_a11y(page, "monitoring dashboard with a definition open")
    assert page.locator("svg.trend-chart[role=img] title").count() == 1
    years = page.locator("table[data-trend-table] tr[data-year]").evaluate_all(
        "rows => rows.map(r => r.dataset.year)")
    assert len(years) >= 3, years

    # the year switch: a GET form
    options = page.locator("select[name=year] option").evaluate_all("os => os.map(o => o.value)")
    chosen = options[-1]  # the earliest year
    page.locator("select[name=year]").select_option(chosen)
    page.locator("form[data-filter-form] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"year={chosen}"))
    assert chosen in page.locator("[data-period]").inner_text()
    assert page.locator("select[name=year]").input_value() == chosen
    assert page.locator("#error-summary").count() == 0
    check_a11y(page, "monitoring dashboard of an earlier year")

    # the breakdowns: locations numbered, never named
    page.locator("[data-monitoring-nav] a[href^='/monitoring/uitsplitsing/']").click()
    page.wait_for_url(re.compile(r"/monitoring/uitsplitsing/"))
    for dim in ("organisation", "location", "care_type", "age_group"):
        assert page.locator(f"section[data-breakdown={dim}]").count() == 1
    content = page.content()
    for name in LOCATION_NAMES:
        assert name not in content
    check_a11y(page, "monitoring breakdowns")

    # the tables as Excel
    from openpyxl import load_workbook

    with page.expect_download() as info:
        page.locator("a[data-export=xlsx]").click()
    download = info.value
    assert re.fullmatch(rf"monitoring-regio-\d+-{chosen}\.xlsx", download.suggested_filename)
    with open(download.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert len(book.sheetnames) == 4
    codes = [row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert "normenkader_1" in codes and "own_intake" in codes
    cells = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    for name in LOCATION_NAMES:
        assert name not in cells

    # the annual report as PDF (WeasyPrint needs a while for some pages of tables on a busy machine)
    with page.expect_download(timeout=120_000) as info:
        page.locator("a[data-export=pdf]").click(timeout=120_000)
    download = info.value
    assert re.fullmatch(rf"jaarrapport-regio-\d+-{chosen}\.pdf", download.suggested_filename)
    text = pdf_text(download)
    assert chosen in text and "Utrecht" in text
    for name in LOCATION_NAMES:
        assert name not in text
