"""Issue 3 in a real browser: a log administrator produces the "who accessed this
child's record" report for a demo child, on screen and as a PDF to hand over."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from .test_foundation_flow import log_in

pytestmark = pytest.mark.browser


def _demo_child(server) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """A demo child of the log administrator's organisation: client number, name, its location name."""
    script = (
        "from veerkracht.clients.models import Person, Stay\n"
        "from veerkracht.accounts.models import User\n"
        "org = User.objects.get(username='logbeheerder').membership.organisation\n"
        "stay = Stay.objects.filter(person__organisation=org, person__kind='child').select_related('person', 'location').order_by('pk').first()\n"
        "print(stay.person.client_number, stay.location.name, stay.person.full_name, sep='|')\n"
    )
    last_line = server.run("shell", "-c", script).strip().splitlines()[-1]  # the shell may announce its imports first
    number, location, name = last_line.split("|")
    return number, name, location


def test_log_administrator_produces_the_access_report(page, server, check_a11y):  # type: ignore[no-untyped-def]
    number, name, location = _demo_child(server)
    log_in(page, server, username="logbeheerder")
    page.goto("/logboek/")
    check_a11y(page, "access log")
    page.goto("/privacy/access/")
    check_a11y(page, "access report form")
    page.locator("input[name=client_number]").fill(number)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "client_number=" in page.url, page.url
    assert page.locator("h2#report-heading").count() == 1, page.locator("main").inner_text()[:1500]
    assert page.locator("h2#report-heading").inner_text() == name
    rows = page.locator("main table tbody tr")
    assert rows.count() >= 1
    body = page.locator("main").inner_text()
    assert "Kim Kinderwerker" in body or "Meryem Mentor" in body or "kinderwerker" in body.lower()
    check_a11y(page, "access report")
    with page.expect_download() as download_info:
        page.locator("a[href*='/pdf/']").click()
    pdf = download_info.value
    data = open(pdf.path(), "rb").read()
    assert data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert name in text and number in text
    assert location not in text  # the document leaves the organisation: no location
    page.goto("/clients/noodtoegang/beoordelen/")
    check_a11y(page, "emergency access reviews")
