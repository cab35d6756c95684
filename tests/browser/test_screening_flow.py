"""Screening in a real browser (issue 6, "Done when").

A demo child worker registers a family with a child of 10 and fills in the CATS self-report with
the child, above the cut-off (partly with the keyboard: arrow keys in a row of radio buttons). The
result shows the total and the clinical marker in words. The gedragswetenschapper finds the signal
on her worklist ("Mijn werk"), decides "refer to trauma treatment" with a reason, and finds the
referral on the child's referrals page. axe-core finds no WCAG 2.1 A/AA violation on any page
visited.

Assertions rest on names of inputs, hrefs and data attributes.
"""

from __future__ import annotations

import datetime
import re
import uuid

import pytest

from .test_foundation_flow import log_in
from .test_pathway_flow import no_errors, submit

pytestmark = pytest.mark.browser
CATS = "cats-self-7-17"


def as_user(page, server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    log_in(page, server, username=username)


def test_cats_above_the_cut_off_leads_to_a_referral(page, server, check_a11y):  # type: ignore[no-untyped-def]
    log_in(page, server)
    today = datetime.date.today()
    family = "Screenfamilie " + uuid.uuid4().hex[:6]

    # --- a family with a child of 10 ---------------------------------------------------------------
    page.goto("/clients/register/")
    page.locator("select[name=stay-location]").select_option(index=1)
    page.locator("input[name=stay-admission_date]").fill((today - datetime.timedelta(days=10)).isoformat())
    page.locator("input[name=parent-first_name]").fill("Yara")
    page.locator("input[name=parent-last_name]").fill(family)
    page.locator("input[name=children-0-first_name]").fill("Daan")
    page.locator("input[name=children-0-last_name]").fill(family)
    birth = today.replace(year=today.year - 10) - datetime.timedelta(days=40)
    page.locator("input[name=children-0-birth_date]").fill(birth.isoformat())
    page.locator("button[name=save]").click()
    page.wait_for_url(re.compile(r"/clients/household/\d+/$"))
    page.locator("a[href*='/clients/'][href$='/']", has_text="Daan").first.click()
    page.wait_for_load_state()
    overview_href = page.locator("a[href^='/screening/']").first.get_attribute("href")
    assert overview_href is not None
    pathway_pk = re.search(r"/screening/(\d+)/", overview_href).group(1)  # type: ignore[union-attr]

    # --- the worker sees the questionnaires that fit a child of 10 ----------------------------------
    page.goto(f"/screening/{pathway_pk}/")
    check_a11y(page, "screening overview (new)")
    suggested = page.locator("[data-suggested]")
    assert suggested.locator(f"[data-instrument={CATS}]").count() == 1
    assert suggested.locator("[data-instrument=cats-caregiver-3-6]").count() == 0  # not for this age
    suggested.locator(f"a[href='/screening/{pathway_pk}/afnemen/{CATS}/']").click()
    page.wait_for_load_state()
    check_a11y(page, "CATS form")
    assert page.locator("tr[data-item]").count() == 40  # events, symptoms, functioning

    # --- and fills it in with the child: events, 20 symptoms (total 40), functioning ---------------
    for number in range(1, 16):
        page.locator(f"#id_item_e{number}_{0 if number in (2, 5, 9) else 1}").check()
    page.locator("#id_item_s1_0").focus()  # the keyboard: arrow keys move the choice along the row
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator("#id_item_s1_2").is_checked()
    for number in range(2, 21):
        page.locator(f"#id_item_s{number}_2").check()
    for number in range(1, 6):
        page.locator(f"#id_item_f{number}_0").check()
    submit(page, page.locator("form[data-administer] button[type=submit]"))
    no_errors(page)
    assert re.search(r"/screening/afname/\d+/$", page.url)
    assert page.locator("[data-result=clinical]").count() == 1
    assert page.locator("[data-total]").first.inner_text().startswith("40")
    assert page.locator("[data-band=probable_ptsd]").count() == 1
    check_a11y(page, "result above the cut-off")
    signal_href = page.locator("a[data-signal-link]").get_attribute("href")
    assert signal_href is not None and signal_href.startswith("/screening/signaal/")

    page.goto(f"/screening/{pathway_pk}/")
    assert page.locator("[data-open-signals] tr[data-signal-status=open]").count() == 1
    assert page.locator(f"[data-course={CATS}] svg title").count() == 1
    check_a11y(page, "screening overview (with a result)")

    # --- the gedragswetenschapper finds the signal on her worklist and decides ---------------------
    as_user(page, server, "gedragswetenschapper")
    page.goto("/werk/")
    item = page.locator(f"#work-followups tr[data-followup=screening_signal]:has(a[href='{signal_href}'])")
    assert item.count() == 1
    check_a11y(page, "worklist of the gedragswetenschapper")
    item.locator(f"a[href='{signal_href}']").click()
    page.wait_for_load_state()
    check_a11y(page, "signal to decide")
    page.locator("input[name=decision][value=trauma_referral]").check()
    page.locator("textarea[name=reason]").fill("Hoge score op herbeleving; besproken met moeder, zij stemt in.")
    submit(page, page.locator("main form button[type=submit]"))
    assert page.locator("#error-summary").count() == 1  # the organisation is missing
    assert "besproken met moeder" in page.locator("textarea[name=reason]").input_value()  # input kept
    page.locator("input[name=to_whom]").fill("Traumacentrum Kind en Jeugd")
    submit(page, page.locator("main form button[type=submit]"))
    no_errors(page)
    assert page.locator("[data-decision=trauma_referral]").count() == 1
    assert page.locator("input[name=decision]").count() == 0  # decided is final
    check_a11y(page, "signal decided")
    referral_href = page.locator("a[data-referral-link]").get_attribute("href")
    assert referral_href is not None

    # --- the referral is one of the child's referrals --------------------------------------------------
    page.goto(f"/verwijzingen/{pathway_pk}/")
    row = page.locator(f"[data-open-referrals] a[href='{referral_href}']")
    assert row.count() == 1
    assert "Traumacentrum Kind en Jeugd" in page.locator("[data-open-referrals]").inner_text()
    check_a11y(page, "referrals with the referral to trauma treatment")
    page.goto("/werk/")
    assert page.locator(f"#work-followups a[href='{signal_href}']").count() == 0  # decided: off the list

    # --- and it is in the help plan, with the child's other referrals ----------------------------------
    page.goto(f"/hulpverleningsplan/{pathway_pk}/")
    assert page.locator(f"[data-plan-referrals] a[href='{referral_href}']").count() == 1
    check_a11y(page, "help plan with the referral")
