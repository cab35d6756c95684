"""Safety plan, help plan and referrals in a real browser (issue 5, "Done when").

A demo child worker registers a family with a child of 6 and makes the child's safety plan; the
gedragswetenschapper adopts it with a review date and downloads the child-friendly PDF, first in
Dutch, then - after choosing English as the plan's language - in English. The worker makes a help
plan with a goal and an action; the gedragswetenschapper adopts it; the worker evaluates it with a
new score, records a guidance contact, and follows a referral from sent to closed. The handover page
refuses a PDF while consent for sharing is missing. axe-core finds no WCAG 2.1 A/AA violation on any
page visited.

Assertions rest on names of inputs, hrefs and data attributes, and on the PDF's own text.
"""

from __future__ import annotations

import datetime
import io
import re
import uuid

import pytest
from pypdf import PdfReader

from .test_foundation_flow import log_in
from .test_pathway_flow import no_errors, step_row, submit

pytestmark = pytest.mark.browser


def as_user(page, server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    log_in(page, server, username=username)


def pdf_text(download) -> str:  # type: ignore[no-untyped-def]
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def download_pdf(page, href: str) -> str:  # type: ignore[no-untyped-def]
    with page.expect_download() as info:
        page.locator(f"a[href='{href}']").first.click()
    return pdf_text(info.value)


def test_safety_plan_help_plan_and_referral(page, server, check_a11y):  # type: ignore[no-untyped-def]
    log_in(page, server)
    today = datetime.date.today()
    family = "Planfamilie " + uuid.uuid4().hex[:6]

    # --- a family with a child of 6 --------------------------------------------------------------
    page.goto("/clients/register/")
    page.locator("select[name=stay-location]").select_option(index=1)
    page.locator("input[name=stay-admission_date]").fill((today - datetime.timedelta(days=20)).isoformat())
    page.locator("input[name=parent-first_name]").fill("Sanne")
    page.locator("input[name=parent-last_name]").fill(family)
    page.locator("input[name=children-0-first_name]").fill("Mila")
    page.locator("input[name=children-0-last_name]").fill(family)
    page.locator("input[name=children-0-birth_date]").fill(datetime.date(today.year - 6, 3, 1).isoformat())
    page.locator("button[name=save]").click()
    page.wait_for_url(re.compile(r"/clients/household/\d+/$"))
    page.locator("a[href*='/clients/'][href$='/']", has_text="Mila").first.click()
    page.wait_for_load_state()
    dossier_url = page.url
    safety_href = step_row(page, "safety_plan").locator("a[href^='/veiligheidsplan/']").first.get_attribute("href")
    assert safety_href is not None
    pathway_pk = re.search(r"/veiligheidsplan/(\d+)/", safety_href).group(1)  # type: ignore[union-attr]

    # --- the worker makes the safety plan ------------------------------------------------------
    page.goto(safety_href)
    check_a11y(page, "safety plan (new)")
    page.locator("textarea[name=risks]").fill("Vader weet welke school Mila bezoekt.")
    page.locator("textarea[name=when_unsafe]").fill("Ik ga naar de groepsleiding.")
    page.locator("textarea[name=safe_places]").fill("Het kantoor van de groepsleiding")
    page.locator("textarea[name=safe_persons]").fill("Mama en juf Anouk")
    page.locator("input[name=code_word]").fill("regenboog")
    submit(page, page.locator("form:has(input[name=action][value=save]) button[type=submit]"))
    no_errors(page)
    assert page.locator("[data-plan-status=draft]").count() == 1

    # --- the gedragswetenschapper adopts it and prints the child's version --------------------------
    as_user(page, server, "gedragswetenschapper")
    page.goto(safety_href)
    check_a11y(page, "safety plan (to adopt)")
    page.locator("input[name=adopt-review_date]").fill((today + datetime.timedelta(days=90)).isoformat())
    submit(page, page.locator("form:has(input[name=action][value=adopt]) button[type=submit]"))
    no_errors(page)
    assert page.locator("[data-plan-status=adopted]").count() == 1
    check_a11y(page, "safety plan (adopted)")
    young = f"/veiligheidsplan/{pathway_pk}/pdf/?version=young"
    text = download_pdf(page, young)
    assert "Mijn veiligheidsplan" in text and "112" in text and "0800-2000" in text and "regenboog" in text
    assert "Mila" in text and family not in text  # the first name only

    page.locator("select[name=language]").select_option("en")
    submit(page, page.locator("form:has(input[name=action][value=save]) button[type=submit]"))
    no_errors(page)
    assert page.locator("[data-plan-status=adopted]").count() == 1  # a new language keeps the adoption
    text = download_pdf(page, young)
    assert "My safety plan" in text and "Mijn veiligheidsplan" not in text and "112" in text

    # --- the worker makes a help plan with a goal and an action -------------------------------------
    as_user(page, server, "kinderwerker")
    plan_url = f"/hulpverleningsplan/{pathway_pk}/"
    page.goto(plan_url)
    check_a11y(page, "help plan (new)")
    page.locator("textarea[name=child_view]").fill("Ik wil weer rustig slapen.")
    page.locator("select[name=goals-0-domain]").select_option("wellbeing")
    page.locator("textarea[name=goals-0-description], input[name=goals-0-description]").fill("Mila slaapt weer door")
    page.locator("input[name=goals-0-start_score]").fill("3")
    submit(page, page.locator("form:has(input[name=action][value=save]) button[type=submit]"))
    no_errors(page)
    page.locator("select[name=action-goal]").select_option(index=0)
    page.locator("input[name=action-who]").fill("Kinderwerker")
    page.locator("textarea[name=action-what], input[name=action-what]").fill("Wekelijks een rustmoment voor het slapen")
    submit(page, page.locator("form:has(input[name=action][value=add_action]) button[type=submit]"))
    no_errors(page)
    check_a11y(page, "help plan (draft with an action)")

    # --- the gedragswetenschapper adopts it ----------------------------------------------------------
    as_user(page, server, "gedragswetenschapper")
    page.goto(plan_url)
    submit(page, page.locator("form:has(input[name=action][value=adopt]) button[type=submit]"))
    no_errors(page)
    assert page.locator("form:has(input[name=action][value=adopt])").count() == 0

    # --- the worker evaluates it, logs a guidance contact and follows a referral ---------------------
    as_user(page, server, "kinderwerker")
    page.goto(f"/hulpverleningsplan/{pathway_pk}/evalueren/")
    check_a11y(page, "evaluation")
    score = page.locator("input[name^=score_]")
    assert score.count() == 1
    score.fill("6")
    page.locator("textarea[name=notes]").fill("Mila slaapt vaker door.")
    submit(page, page.locator("main form button[type=submit]"))
    no_errors(page)
    page.goto(plan_url)
    assert "6" in page.locator("table", has_text="Mila slaapt weer door").first.inner_text()
    text = download_pdf(page, f"/hulpverleningsplan/{pathway_pk}/pdf/")
    assert "Mila slaapt weer door" in text and "Hulpverleningsplan" in text and "CONCEPT" not in text

    page.goto(f"/hulpverleningsplan/{pathway_pk}/contacten/")
    check_a11y(page, "guidance contacts")
    page.locator("input[name=date]").fill(today.isoformat())
    page.locator("select[name=kind]").select_option("play")
    page.locator("input[name=duration_minutes]").fill("45")
    page.locator("input[name=goals]").first.check()
    submit(page, page.locator("main form button[type=submit]"))
    no_errors(page)
    assert page.get_by_text("45").count() > 0

    page.goto(f"/verwijzingen/{pathway_pk}/")
    check_a11y(page, "referrals")
    page.locator("select[name=kind]").select_option("trauma_treatment")
    page.locator("input[name=to_whom]").fill("GGZ Kind en Jeugd")
    page.locator("textarea[name=reason]").fill("Nachtmerries na het geweld thuis.")
    submit(page, page.locator("main form button[type=submit]"))
    no_errors(page)
    page.locator("a[href^='/verwijzingen/verwijzing/']").first.click()
    page.wait_for_load_state()
    detail_url = page.url
    check_a11y(page, "referral")
    page.locator("select[name=status]").select_option("started")
    submit(page, page.locator("main form button[type=submit]"))
    no_errors(page)
    page.goto(detail_url)
    page.locator("select[name=status]").select_option("closed")
    page.locator("select[name=closing_reason]").select_option("completed")
    submit(page, page.locator("main form button[type=submit]"))
    no_errors(page)
    page.goto(detail_url)
    assert page.locator("select[name=status]").count() == 0  # closed is final
    check_a11y(page, "referral (closed)")

    # --- the worklist and the handover --------------------------------------------------------------
    page.goto(dossier_url)
    check_a11y(page, "dossier with plans")
    page.goto(f"/overdracht/{pathway_pk}/")
    check_a11y(page, "handover")
    assert page.locator("[data-sharing-consent=missing]").count() == 1
    assert page.locator("[data-handover-pdf]").count() == 0
