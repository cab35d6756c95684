"""The child's pathway in a real browser (issue 4, "Done when").

A demo child worker registers a new household (a mother, one child, then the father), and walks
the child's step plan in Dutch: the intake, contact with the father (refused because of a contact
ban), the parenting and living situation, the network with its ecomap, support of the parents,
the consent overview, the Meldcode track, the timeline and the discharge. axe-core finds no
WCAG 2.1 A/AA violation on any page visited.

A second test checks the demo worklists: the child worker's own work, the team leader's counts
per worker, and the functional administrator's methodology settings.

Assertions rest on names of inputs, hrefs and data attributes, not on translated text, so that
a missing Dutch translation does not break them (the language itself is asserted: html[lang=nl]).
"""

from __future__ import annotations

import datetime
import re
import uuid

import pytest

from .test_foundation_flow import log_in

pytestmark = pytest.mark.browser

REASON = "Moeder en kind vertrokken voor het gesprek."


def submit(page, button) -> None:  # type: ignore[no-untyped-def]
    """Click a submit button and wait for the page that the POST (and its redirect) brings."""
    with page.expect_navigation(wait_until="load"):
        button.click()
    assert page.locator("html").get_attribute("lang") == "nl"


def has_errors(page) -> bool:  # type: ignore[no-untyped-def]
    return page.locator("#error-summary").count() == 1


def no_errors(page) -> None:  # type: ignore[no-untyped-def]
    summary = page.locator("#error-summary")
    assert summary.count() == 0, f"unexpected errors on {page.url}: {summary.inner_text()}"


def step_row(page, code: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#core-activities tr[data-activity={code}]")


def open_dossier(page, dossier_url: str, check_a11y, name: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(dossier_url)
    assert response is not None and response.status == 200
    check_a11y(page, name)


def test_child_walks_the_step_plan(page, server, check_a11y):  # type: ignore[no-untyped-def]
    log_in(page, server)
    today = datetime.date.today()
    admitted = today - datetime.timedelta(days=10)
    family = "Padfamilie " + uuid.uuid4().hex[:6]
    child = f"Noor {family}"

    # --- a new household: a mother and one child (7 years old: the conversation form) ---------
    page.goto("/clients/register/")
    page.locator("select[name=stay-location]").select_option(index=1)
    page.locator("input[name=stay-admission_date]").fill(admitted.isoformat())
    page.locator("input[name=parent-first_name]").fill("Sanne")
    page.locator("input[name=parent-last_name]").fill(family)
    page.locator("input[name=children-0-first_name]").fill("Noor")
    page.locator("input[name=children-0-last_name]").fill(family)
    birth = datetime.date(today.year - 7, 1, 15)
    page.locator("input[name=children-0-birth_date]").fill(birth.isoformat())
    page.locator("button[name=save]").click()
    page.wait_for_url(re.compile(r"/clients/household/\d+/$"))
    household_url = page.url

    # --- the father, added through the household page ------------------------------------------
    page.locator("a[href$='/father/']").first.click()
    page.wait_for_url(re.compile(r"/clients/household/\d+/father/$"))
    check_a11y(page, "add father")
    page.locator("input[name=first_name]").fill("Ruben")
    page.locator("input[name=last_name]").fill(family)
    page.locator("input[name=children]").first.check()
    page.locator("select[name=authority]").select_option("yes")
    submit(page, page.locator("main form button[type=submit]"))
    no_errors(page)
    assert page.url == household_url
    check_a11y(page, "household")

    page.get_by_role("link", name=child).first.click()
    page.wait_for_url(re.compile(r"/clients/\d+/$"))
    dossier_url = page.url
    person_pk = int(re.search(r"/clients/(\d+)/$", dossier_url).group(1))  # type: ignore[union-attr]
    check_a11y(page, "dossier with the step plan")
    # the step plan: eight activities, the intake already overdue ten days after admission
    assert page.locator("#core-activities tbody tr[data-activity]").count() == 8
    assert step_row(page, "intake").get_attribute("data-state") == "overdue"
    assert step_row(page, "father_contact").get_attribute("data-state") == "due_this_week"
    intake_link = step_row(page, "intake").locator("a[href^='/intake/']")
    pathway_pk = int(re.search(r"/intake/(\d+)/", intake_link.get_attribute("href")).group(1))  # type: ignore[arg-type, union-attr]

    # --- activity 1: the intake ------------------------------------------------------------------
    intake_link.click()
    page.wait_for_url(re.compile(rf"/intake/{pathway_pk}/$"))
    check_a11y(page, "intake")
    assert page.locator("[data-form-used]").get_attribute("data-form-used") == "conversation"
    page.locator("input[name=witnessed_parents_hitting]").check()
    page.locator("input[name=destruction_in_home]").check()
    page.locator("input[name=other_exposure]").check()  # without a description: refused
    page.locator("textarea[name=present]").fill("Noor en de kinderwerker")
    page.locator("textarea[name=how_child_is_doing]").fill("Slaapt slecht, speelt veel alleen.")
    own_words = "Ik wil dat papa en mama niet meer schreeuwen. Ik wil naar mijn eigen school."
    page.locator("textarea[name=child_own_words]").fill(own_words)
    page.locator("textarea[name=safety_concerns]").fill("Noor vertelt dat papa haar ook heeft geslagen.")
    page.locator("input[name=start_meldcode]").check()
    page.locator("input[name=completed_on]").fill(today.isoformat())
    submit(page, page.locator("form.intake-form button[type=submit]"))
    assert has_errors(page)
    assert page.locator(".field--error textarea[name=other_exposure_text]").count() == 1
    # nothing typed or ticked is lost
    assert page.locator("textarea[name=child_own_words]").input_value() == own_words
    assert page.locator("input[name=witnessed_parents_hitting]").is_checked()
    assert page.locator("input[name=destruction_in_home]").is_checked()
    assert page.locator("input[name=start_meldcode]").is_checked()
    check_a11y(page, "intake (with a validation error)")
    page.locator("textarea[name=other_exposure_text]").fill("Politie aan de deur gezien.")
    submit(page, page.locator("form.intake-form button[type=submit]"))
    no_errors(page)
    check_a11y(page, "intake (saved)")
    # the concern started the Meldcode track: the intake page now points to it
    assert page.locator(f"[data-open-track] a[href='/meldcode/kind/{person_pk}/']").count() == 1

    open_dossier(page, dossier_url, check_a11y, "dossier after the intake")
    assert step_row(page, "intake").get_attribute("data-state") == "done"
    assert today.strftime("%d-%m-%Y") in step_row(page, "intake").inner_text()

    # --- activity 2: contact with the father, refused because of a contact ban ------------------
    step_row(page, "father_contact").locator(f"a[href='/vader/{pathway_pk}/']").click()
    page.wait_for_url(re.compile(rf"/vader/{pathway_pk}/$"))
    check_a11y(page, "father contact overview")
    father_row = page.locator("tr[data-father]")
    assert father_row.count() == 1
    submit(page, father_row.locator("form button[type=submit]"))
    page.wait_for_url(re.compile(r"/vader/contact/\d+/$"))
    contact_url = page.url
    check_a11y(page, "father contact record")
    # no attempt before the safety assessment
    assert page.locator("[data-needs-assessment]").count() == 1
    page.locator("textarea[name=how_to_reach]").fill("Via zijn advocaat, mr. De Vries")
    page.locator("input[name=assessed_on]").fill(today.isoformat())
    page.locator("select[name=suspected_perpetrator]").select_option("yes")
    page.locator("select[name=risk_level]").select_option("high")
    page.locator("input[name=contact_ban]").check()
    page.locator("textarea[name=assessment_notes]").fill("Contactverbod opgelegd door de rechter.")
    page.locator("select[name=status]").select_option("not_yet")
    submit(page, page.locator("form.fathers-form button[type=submit]"))
    no_errors(page)
    assert page.url == contact_url
    assert page.locator("[data-ban]").get_attribute("data-ban") == "blocked"
    # a child worker cannot grant the exception: no link, and the page itself is refused
    assert page.locator("a[href$='/uitzondering/']").count() == 0
    check_a11y(page, "father contact record with a contact ban")

    # reaching him is refused while the ban stands, and what was typed is kept
    page.locator("a[href$='/poging/']").click()
    page.wait_for_url(re.compile(r"/poging/$"))
    check_a11y(page, "contact attempt")
    page.locator("input[name=date]").fill(today.isoformat())
    page.locator("select[name=way]").select_option("phone")
    page.locator("select[name=result]").select_option("reached")
    page.locator("textarea[name=notes]").fill("Vader belde zelf op.")
    submit(page, page.locator("main form button[type=submit]"))
    assert has_errors(page)
    assert "/poging/" in page.url
    assert page.locator("textarea[name=notes]").input_value() == "Vader belde zelf op."
    # the one message: the contact-ban rule (everything else in the attempt was valid)
    assert page.locator("#error-summary li").count() == 1
    ban_message = page.locator("#error-summary li").inner_text().strip()
    assert ban_message
    check_a11y(page, "contact attempt (refused: contact ban)")

    # marking him as contacted is refused with a clear message
    page.goto(contact_url)
    assert page.locator("tr[data-result]").count() == 0  # the refused attempt was not stored
    page.locator("select[name=status]").select_option("contacted")
    submit(page, page.locator("form.fathers-form button[type=submit]"))
    assert has_errors(page)
    assert ban_message in page.locator("#error-summary").inner_text()
    assert page.locator("select[name=status]").input_value() == "contacted"
    assert page.locator("[data-ban]").get_attribute("data-ban") == "blocked"
    check_a11y(page, "father contact (refused: contact ban)")
    override_url = contact_url + "uitzondering/"
    response = page.goto(override_url)
    assert response is not None and response.status == 403

    # the outcome: no contact, because of the ban
    page.goto(contact_url)
    page.locator("select[name=status]").select_option("no_contact")
    page.locator("select[name=no_contact_reason]").select_option("ban")
    submit(page, page.locator("form.fathers-form button[type=submit]"))
    no_errors(page)
    page.goto(f"/vader/{pathway_pk}/")
    assert page.locator("tr[data-father]").get_attribute("data-status") == "no_contact"
    check_a11y(page, "father contact overview (no contact)")

    # --- activity 5: parenting and living situation ----------------------------------------------
    page.goto(f"/gezin/{pathway_pk}/opvoeding/")
    check_a11y(page, "parenting and living situation")
    submit(page, page.locator("main form button[type=submit]"))  # empty: at least one topic
    assert has_errors(page)
    check_a11y(page, "parenting and living situation (with a validation error)")
    page.locator("select[name=parent]").select_option(index=1)
    page.locator("input[name=conversation_date]").fill(today.isoformat())
    page.locator("textarea[name=parenting_skills]").fill("Moeder stelt grenzen, maar is snel moe.")
    page.locator("textarea[name=school]").fill("Noor gaat naar een school in de buurt van de opvang.")
    page.locator("textarea[name=strengths]").fill("Warme band tussen moeder en Noor.")
    submit(page, page.locator("main form button[type=submit]"))
    no_errors(page)
    assert page.locator("[data-status]").first.get_attribute("data-status") == "in_progress"
    check_a11y(page, "parenting and living situation (saved)")

    # --- activity 6: network and ecomap ----------------------------------------------------------
    page.goto(f"/netwerk/{pathway_pk}/")
    check_a11y(page, "network (empty)")
    add_form = page.locator("form:has(input[name=action][value=add])")
    for name, member_type, relation, quality, safe in (
        ("Oma Els", "person", "family", "supportive", True),
        ("Basisschool De Regenboog", "organisation", "school", "neutral", False),
        ("Oom Karel", "person", "family", "risk", False),
    ):
        add_form.locator("input[name=name]").fill(name)
        add_form.locator("select[name=member_type]").select_option(member_type)
        add_form.locator("select[name=relation]").select_option(relation)
        add_form.locator("select[name=quality]").select_option(quality)
        if safe:
            add_form.locator("input[name=safe_person]").check()
        if quality == "risk":
            add_form.locator("input[name=contact_allowed]").uncheck()
        submit(page, add_form.locator("button[type=submit]"))
        no_errors(page)
    assert page.locator("tr[data-member]").count() == 3
    assert page.locator("dd[data-status]").get_attribute("data-status") == "in_progress"
    ecomap = page.locator("main svg[role=img]")
    assert ecomap.count() == 1 and ecomap.is_visible()
    assert "Noor" in ecomap.locator("title").first.text_content()  # type: ignore[operator]
    assert "Noor" in ecomap.locator(".ecomap-child text").text_content()  # type: ignore[operator]
    assert ecomap.locator("[data-member]").count() == 3
    assert ecomap.locator("[data-quality=risk]").count() == 1
    assert ecomap.locator("[data-safe]").count() == 1
    check_a11y(page, "network with its ecomap")
    response = page.request.get(f"/netwerk/{pathway_pk}/ecomap.svg")
    assert response.status == 200 and "<svg" in response.text()

    # --- activity 8: support of parents ----------------------------------------------------------
    page.goto(f"/gezin/{pathway_pk}/ouders/")
    check_a11y(page, "support of parents")
    add_form = page.locator("form:has(input[name=action][value=add])")
    add_form.locator("select[name=parent]").select_option(index=1)
    add_form.locator("select[name=kind]").select_option("referral")
    add_form.locator("input[name=date]").fill(today.isoformat())
    add_form.locator("textarea[name=description]").fill("Opvoedondersteuning voor moeder.")
    submit(page, add_form.locator("button[type=submit]"))  # a referral needs its target and status
    assert has_errors(page)
    assert page.locator(".field--error textarea[name=referred_to]").count() == 1
    check_a11y(page, "support of parents (with a validation error)")
    add_form = page.locator("form:has(input[name=action][value=add])")
    add_form.locator("textarea[name=referred_to]").fill("Opvoedpoli")
    add_form.locator("select[name=referral_status]").select_option(index=1)
    submit(page, add_form.locator("button[type=submit]"))
    no_errors(page)
    assert page.locator("tr[data-kind=referral]").count() == 1
    assert page.locator("dd[data-status]").get_attribute("data-status") == "in_progress"
    check_a11y(page, "support of parents (saved)")

    # --- consent: what is missing ---------------------------------------------------------------
    page.goto(f"/toestemming/{pathway_pk}/")
    check_a11y(page, "consent")
    assert page.locator("[data-band]").count() == 1
    # nobody has decided yet: every subject that needs consent is missing (or waits for the
    # mother's authority to be checked in the gezagsregister)
    subjects = page.locator("tr[data-subject]")
    assert subjects.count() >= 1
    states = {subjects.nth(i).get_attribute("data-state") for i in range(subjects.count())}
    assert states <= {"missing", "check_authority"}, states
    assert page.locator("li[data-authority=yes]").count() >= 1  # the father, registered with authority
    assert page.locator("td[data-decision='']").count() >= 2  # mother and father both still to decide

    # --- the Meldcode track, started from the intake --------------------------------------------
    page.goto(f"/meldcode/kind/{person_pk}/")
    check_a11y(page, "Meldcode track")
    track = page.locator("section.meldcode-track[data-state=open]")
    assert track.count() == 1
    page.locator("textarea[name=consulted_with]").fill("Gedragswetenschapper en Veilig Thuis")
    page.locator("input[name=consulted_veilig_thuis]").check()
    submit(page, page.locator("#next-step button[type=submit]"))
    no_errors(page)
    check_a11y(page, "Meldcode track (step 2 recorded)")
    assert page.locator("[data-waiting-for], #next-step").count() >= 1

    # --- the step plan and the timeline show what happened --------------------------------------
    open_dossier(page, dossier_url, check_a11y, "dossier with the walked step plan")
    assert step_row(page, "intake").get_attribute("data-state") == "done"
    # the records moved their activities on (in progress, shown on the record pages), none is done
    for code in ("father_contact", "parenting", "network", "parent_support"):
        assert step_row(page, code).get_attribute("data-state") in ("overdue", "due_this_week", "open")
    page.locator(f"a[href='/werk/kind/{person_pk}/tijdlijn/']").click()
    page.wait_for_url(re.compile(r"/tijdlijn/$"))
    check_a11y(page, "timeline")
    entries = page.locator("ol.timeline > li")
    assert entries.count() >= 5
    kinds = {entries.nth(i).get_attribute("data-kind") for i in range(entries.count())}
    assert len(kinds) >= 4, kinds

    page.goto("/meldingen/")
    check_a11y(page, "notifications")

    # --- discharge through the pathway's page, and the closed step plan -------------------------
    page.goto(dossier_url)
    page.locator("a[href*='/discharge/']").first.click()
    page.wait_for_url(re.compile(r"/werk/ontslag/\d+/$"))
    check_a11y(page, "discharge")
    open_activities = page.locator("main fieldset[data-activity]")
    codes = [open_activities.nth(i).get_attribute("data-activity") for i in range(open_activities.count())]
    assert "intake" not in codes and "father_contact" in codes
    page.locator("input[name=discharge_date]").fill(today.isoformat())
    page.locator("select[name=destination]").select_option("family")
    submit(page, page.locator("main form button[type=submit]"))  # no outcomes chosen yet
    assert has_errors(page)
    assert page.locator("fieldset.field--error input[type=radio]").count() >= 3 * len(codes)
    check_a11y(page, "discharge (outcomes missing)")
    for index, code in enumerate(codes):
        fieldset = open_activities.nth(index)
        if code in ("father_contact", "parenting", "network"):
            fieldset.locator("input[type=radio][value=done]").check()
            fieldset.locator("input[name$='-completed_on']").fill(today.isoformat())
        else:
            fieldset.locator("input[type=radio][value=not_done]").check()
            fieldset.locator("textarea[name$='-reason']").fill(REASON)
    submit(page, page.locator("main form button[type=submit]"))
    no_errors(page)
    assert page.url == dossier_url
    check_a11y(page, "dossier after discharge")
    summary = page.locator("#core-activities [data-summary]")
    assert summary.count() == 1
    assert today.strftime("%d-%m-%Y") in summary.inner_text()
    # 4 of 8 done: the intake before, father contact, parenting and network at discharge
    summary_text = summary.inner_text().replace(today.strftime("%d-%m-%Y"), "")
    assert re.search(r"\b4\D+\b8\b", summary_text), summary_text
    states = [step_row(page, c).get_attribute("data-state") for c in ("intake", "father_contact", "safety_plan")]
    assert states == ["done", "done", "not_done"]
    # a closed step plan is no longer editable from the dossier
    assert page.locator("#core-activities a[href^='/werk/activiteit/']").count() == 0


def _figures(page) -> list[int]:  # type: ignore[no-untyped-def]
    """The summary cards of the worklist: overdue, due this week, not started."""
    return [int(t) for t in page.locator("main .cards .card__figure").all_inner_texts()]


def test_worklists_and_settings(page, server, check_a11y):  # type: ignore[no-untyped-def]
    # the demo child worker: the start page counts her work, the worklist shows it
    log_in(page, server)
    page.goto("/")
    overdue_home = int(page.locator("#work-overdue").inner_text())
    due_home = int(page.locator("#work-due-this-week").inner_text())
    assert overdue_home >= 1 and due_home >= 1
    page.goto("/werk/")
    check_a11y(page, "worklist of the child worker")
    overdue, due, _open = _figures(page)
    assert (overdue, due) == (overdue_home, due_home)
    assert page.locator("#work-overdue tbody tr[data-activity]").count() == min(overdue, 200)
    assert page.locator("#work-due_this_week tbody tr[data-activity]").count() == min(due, 200)
    assert page.locator("#work-overdue .status--overdue").count() >= 1
    assert page.locator("#work-due_this_week .status--warning").count() >= 1
    assert page.locator("tr[data-worker]").count() == 0  # no team view for a child worker

    # the team leader: counts per worker that add up to the totals
    page.context.clear_cookies()
    log_in(page, server, username="teamleider")
    page.goto("/werk/")
    check_a11y(page, "worklist of the team leader")
    totals = _figures(page)
    rows = page.locator("tr[data-worker]")
    assert rows.count() >= 2
    per_column = [0, 0, 0]
    for index in range(rows.count()):
        cells = [int(t) for t in rows.nth(index).locator("td").all_inner_texts()]
        per_column = [a + b for a, b in zip(per_column, cells, strict=True)]
    assert per_column == totals
    assert rows.locator("xpath=self::*[@data-worker='kinderwerker']").count() == 1
    kinderwerker = [int(t) for t in page.locator("tr[data-worker=kinderwerker] td").all_inner_texts()]
    assert kinderwerker[0] >= 1 and kinderwerker[1] >= 1
    assert totals[0] >= overdue and totals[1] >= due

    # the functional administrator: the methodology settings
    page.context.clear_cookies()
    log_in(page, server, username="beheerder")
    response = page.goto("/werk/instellingen/")
    assert response is not None and response.status == 200
    assert page.locator("[data-methodology]").count() == 1
    assert page.locator("tr[data-activity]").count() >= 5
    check_a11y(page, "methodology settings")
