"""Response headers, cookies and templates: the hardening that every page carries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from veerkracht.accounts.roles import Role

PASSWORD = "correct horse battery staple"
SRC = Path(__file__).resolve().parents[2]


def _assert_hardened(response, *, client_data: bool = True) -> None:  # type: ignore[no-untyped-def]
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, "no Content-Security-Policy header"
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    script_src = directives.get("script-src", directives.get("default-src", []))
    assert any(re.fullmatch(r"'nonce-[A-Za-z0-9+/=_-]{16,}'", s) for s in script_src), csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, csp
    assert directives.get("frame-ancestors") == ["'none'"], csp
    assert directives.get("object-src") == ["'none'"], csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions
    if client_data:
        assert "no-store" in response.headers["Cache-Control"]


def test_nonce_differs_per_response_and_reaches_the_page(kinderwerker_a, client_for, child_a):
    client = client_for(kinderwerker_a)
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]
    assert re.search(r"'nonce-([^']+)'", first).group(1) != re.search(r"'nonce-([^']+)'", second).group(1)


def test_login_page_headers_and_cookies(db):
    response = Client().get("/login/")
    assert response.status_code == 200
    _assert_hardened(response)
    csrf = response.cookies.get("csrftoken")
    if csrf is not None:
        assert csrf["httponly"] and csrf["samesite"] == "Lax"


def test_session_cookie_is_httponly_and_samesite(kinderwerker_a):
    response = Client().post("/login/", {"username": kinderwerker_a.username, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize("page", ["home", "caseload", "dossier", "print", "household", "edit", "export"])
def test_pages_with_client_data_are_hardened_and_not_cached(org_a, staff, client_for, child_a, page):
    user = staff(Role.TEAMLEIDER, org_a, username="tl_headers")
    client = client_for(user)
    url = {
        "home": "/",
        "caseload": reverse("clients:caseload"),
        "dossier": reverse("clients:dossier", kwargs={"pk": child_a.pk}),
        "print": reverse("clients:print", kwargs={"pk": child_a.pk}),
        "household": reverse("clients:household", kwargs={"pk": child_a.household_id}),
        "edit": reverse("clients:edit", kwargs={"pk": child_a.pk}),
        "export": reverse("clients:export"),
    }[page]
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if page != "export":
        _assert_hardened(response)


def test_location_page_with_the_secret_address_is_not_cached(org_a, location_a, staff, client_for):
    client = client_for(staff(Role.FUNCTIONEEL_BEHEERDER, org_a, username="fb_headers"))
    response = client.get(reverse("organisations:location_detail", kwargs={"pk": location_a.pk}))
    assert response.status_code == 200
    _assert_hardened(response)


def _templates() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.html") if ".venv" not in p.parts and "node_modules" not in p.parts)


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
HANDLER_ATTR = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
SCRIPT_WITHOUT_NONCE = re.compile(r"<script\b(?![^>]*\bnonce\s*=)[^>]*>", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def test_templates_exist():
    assert len(_templates()) > 10


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(SRC)))
def test_template_has_no_inline_script_style_or_handler(path):
    text = path.read_text(encoding="utf-8")
    problems = []
    for name, pattern in [("inline <script>", INLINE_SCRIPT), ("style= attribute", STYLE_ATTR),
                          ("<style> element", STYLE_ELEMENT), ("on*= handler", HANDLER_ATTR), ("javascript: URL", JS_URL),
                          ("<script> without nonce", SCRIPT_WITHOUT_NONCE)]:
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(f"{name} at line {line}: {match.group(0)[:80]!r}")
    assert not problems, f"{path.relative_to(SRC)}: the CSP forbids these; use a static file\n" + "\n".join(problems)
