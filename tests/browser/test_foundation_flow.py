"""The foundation flow in a real browser (issue 2, "Done when").

A demo child worker logs in with password and TOTP code, registers a household
with two children, opens a child's dossier and discharges the stay (through the
pathway's discharge page, an outcome for every open activity); axe-core
finds no WCAG 2.1 A/AA violation on any of those pages.
"""

from __future__ import annotations

import datetime
import re
import time
import uuid

import pytest

from .conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

USERNAME = "kinderwerker"


# Session cookies of earlier logins in this test run, per user: a login costs a TOTP code, and a
# code is accepted once per 30-second period, so a second login of the same user may have to wait.
_SESSIONS: dict[tuple[str, str], list[dict]] = {}


def log_in(page, server, check_a11y=None, username: str = USERNAME) -> None:  # type: ignore[no-untyped-def]
    """Log in with password and TOTP code. Without check_a11y (the login pages are not under test)
    the session of an earlier login of the same user in this run is reused when it is still valid."""
    key = (server.base_url, username)
    if check_a11y is None and key in _SESSIONS:
        page.context.add_cookies(_SESSIONS[key])
        page.goto("/")
        if "/login" not in page.url:
            return
        page.context.clear_cookies()
    _log_in(page, server, check_a11y, username)
    _SESSIONS[key] = page.context.cookies()


def _log_in(page, server, check_a11y, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == "nl"
    if check_a11y:
        check_a11y(page, "login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(re.compile(r"/login/code/"))
    if check_a11y:
        check_a11y(page, "code")
    for _attempt in range(3):
        # A code is accepted once: when an earlier test used this period's code,
        # the next period brings a fresh one.
        page.locator("input[name=token]").fill(server.totp_code(username))
        page.locator("input[name=token]").press("Enter")
        page.wait_for_load_state()
        if "/login" not in page.url:
            return
        time.sleep(30 - time.time() % 30 + 1)
    raise AssertionError("the second factor was not accepted")


def test_login_page_is_dutch_and_accessible(page, server, check_a11y):  # type: ignore[no-untyped-def]
    response = page.goto("/login/")
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "nl"
    check_a11y(page, "login")


def test_wrong_code_is_refused(page, server, check_a11y):  # type: ignore[no-untyped-def]
    page.goto("/login/")
    page.locator("input[name=username]").fill(USERNAME)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(re.compile(r"/login/code/"))
    right = server.totp_code(USERNAME)
    wrong = str((int(right) + 500_000) % 1_000_000).zfill(len(right))
    page.locator("input[name=token]").fill(wrong)
    page.locator("input[name=token]").press("Enter")
    page.wait_for_load_state()
    assert "/login/code/" in page.url
    assert (
        page.locator("input[name=token][aria-invalid=true], .field--error, [role=alert], .errorlist").count()
        > 0
    )
    check_a11y(page, "code (with an error)")
    # no client page before the second factor
    page.goto("/clients/")
    assert "/login" in page.url


def test_register_household_open_dossier_and_discharge(page, server, check_a11y):  # type: ignore[no-untyped-def]
    log_in(page, server, check_a11y)

    page.goto("/clients/")
    assert page.locator("h1").count() == 1
    check_a11y(page, "caseload")

    page.goto("/clients/register/")
    check_a11y(page, "register")
    today = datetime.date.today()
    admitted = today - datetime.timedelta(days=10)
    family = "Testfamilie " + uuid.uuid4().hex[:6]
    page.locator("select[name=stay-location]").select_option(index=1)
    page.locator("input[name=stay-admission_date]").fill(admitted.isoformat())
    page.locator("input[name=parent-first_name]").fill("Fatima")
    page.locator("input[name=parent-last_name]").fill(family)
    page.locator("input[name=children-0-first_name]").fill("Amira")
    page.locator("input[name=children-0-last_name]").fill(family)
    # validation: a birth date in the future gets a clear message and writes nothing
    future = today + datetime.timedelta(days=30)
    page.locator("input[name=children-0-birth_date]").fill(future.isoformat())
    page.locator("input[name=children-1-first_name]").fill("Youssef")
    page.locator("input[name=children-1-last_name]").fill(family)
    page.locator("input[name=children-1-birth_date]").fill("2021-07-02")
    page.locator("button[name=save]").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/clients/register")
    assert page.locator("#error-summary, .error-summary").count() >= 1
    assert page.locator(".field--error input[name=children-0-birth_date]").count() == 1
    check_a11y(page, "register (with a validation error)")

    page.locator("input[name=children-0-birth_date]").fill("2018-03-14")
    page.locator("button[name=save]").click()
    page.wait_for_url(re.compile(r"/clients/household/\d+/"))
    assert page.get_by_role("link", name=f"Amira {family}").count() >= 1
    assert page.get_by_role("link", name=f"Youssef {family}").count() >= 1

    page.get_by_role("link", name=f"Amira {family}").first.click()
    page.wait_for_url(re.compile(r"/clients/\d+/$"))
    assert family in page.locator("h1").inner_text()
    check_a11y(page, "dossier")
    # dates as dd-mm-yyyy
    body = page.locator("main").inner_text()
    assert "14-03-2018" in body
    assert admitted.strftime("%d-%m-%Y") in body
    assert "2018-03-14" not in body

    # A child's discharge link leads to the pathway's discharge page: the stay ends and every
    # activity of the step plan that is still open gets an outcome.
    page.locator("a[href*='/discharge/']").first.click()
    page.wait_for_url(re.compile(r"/werk/ontslag/\d+/$"))
    discharge_url = page.url
    check_a11y(page, "discharge")
    open_activities = page.locator("main fieldset[data-activity]")
    open_activities_count = open_activities.count()
    assert open_activities_count >= 1
    # validation: a discharge before the admission is refused
    page.locator("input[name=discharge_date]").fill((admitted - datetime.timedelta(days=1)).isoformat())
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url == discharge_url
    assert page.locator(".field--error input[name=discharge_date]").count() == 1
    assert page.locator("#error-summary, .error-summary").count() >= 1
    check_a11y(page, "discharge (with a validation error)")

    page.locator("input[name=discharge_date]").fill(today.isoformat())
    for index in range(open_activities.count()):
        fieldset = open_activities.nth(index)
        fieldset.locator("input[type=radio][name$='-status'][value=not_done]").check()
        fieldset.locator("textarea[name$='-reason']").fill("Moeder en kind vertrokken voor het gesprek.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/clients/\d+/$"))
    body = page.locator("main").inner_text()
    assert today.strftime("%d-%m-%Y") in body
    assert page.locator("a[href*='/discharge/']").count() == 0
    assert page.locator("a[href$='/admit/']").count() == 1
    # the closed step plan leaves a summary
    assert page.locator("#core-activities [data-summary]").count() == 1
    assert page.locator("#core-activities tr[data-state=not_done]").count() == open_activities_count
    check_a11y(page, "dossier after discharge")
