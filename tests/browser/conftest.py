"""Browser tests: Debian's Chromium, driven by Playwright, against a real server process.

Why a server process and not pytest-django's live_server: the audit table has
triggers that refuse DELETE and TRUNCATE, so the transactional flush that
live_server needs between tests cannot work (docs/adr/0006).

The session fixture below builds a fresh SQLite database in a temporary
directory, migrates it, loads the demo data and starts ``veerkracht runserver``.
Without CI the tests are skipped when Chromium or axe-core is missing; with
CI=true they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("VEERKRACHT_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IN_CI = os.environ.get("CI", "").lower() == "true"

DEMO_PASSWORD = "Veerkracht-demo-2026"  # noqa: S105 - the published demo password


def _veerkracht() -> str:
    candidate = Path(sys.executable).parent / "veerkracht"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("veerkracht")
    if found:
        return found
    return str(ROOT / ".venv" / "bin" / "veerkracht")


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (mandatory under CI=true)", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, base_url: str, env: dict[str, str], database: Path):
        self.base_url = base_url
        self.env = env
        self.database = database

    def url(self, path: str) -> str:
        return self.base_url + path

    def run(self, *args: str, timeout: int = 180) -> str:
        result = subprocess.run(
            [_veerkracht(), *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise AssertionError(f"veerkracht {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def totp_code(self, username: str) -> str:
        """The current code, obtained the demo way (`veerkracht demo_code`)."""
        output = self.run("demo_code", username, "--quiet").strip()
        assert output.isdigit(), f"demo_code printed no code: {output!r}"
        return output


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is not installed")
    if not AXE.exists():
        _missing(f"{AXE.relative_to(ROOT)} is missing: run `npm ci`")
    tmp = tmp_path_factory.mktemp("e2e")
    database = tmp / "e2e.sqlite3"
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "VEERKRACHT_", "PYTEST_")) and key != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "veerkracht.conf.settings",
            "DATABASE_URL": f"sqlite:///{database}",
            "VEERKRACHT_ENV": "dev",
            "VEERKRACHT_DEMO": "true",
            "VEERKRACHT_AXES_ENABLED": "false",
            "VEERKRACHT_VAR_DIR": str(tmp / "var"),
            "DEBUG": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    server = Server(f"http://127.0.0.1:{port}", env, database)
    server.run("migrate", "--noinput", timeout=300)
    server.run("seed_demo", timeout=600)
    log = (tmp / "server.log").open("w")
    process = subprocess.Popen(
        [_veerkracht(), "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(server.url("/healthz"), timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError("the server did not start:\n" + (tmp / "server.log").read_text())
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def browser(server: Server) -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        _missing("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server: Server):  # type: ignore[no-untyped-def]
    # bypass_csp: axe-core is injected as an inline script, which the application's
    # CSP (nonces only) rightly refuses. The application itself is not changed by it.
    context = browser.new_context(
        base_url=server.base_url, locale="nl-NL", bypass_csp=True, viewport={"width": 1024, "height": 768}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}  {violation.get('helpUrl', '')}"
        )
        for node in violation.get("nodes", [])[:5]:
            lines.append(f"    at {', '.join(map(str, node.get('target', [])))}")
            lines.append(f"       {node.get('html', '')[:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


@pytest.fixture
def check_a11y():  # type: ignore[no-untyped-def]
    """check_a11y(page, name): run axe-core on the page; no WCAG 2.1 A/AA violation may remain."""

    def check(page, name: str) -> None:  # type: ignore[no-untyped-def]
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            AXE_TAGS,
        )
        violations = result["violations"]
        assert violations == [], (
            f"axe-core found {len(violations)} accessibility violation(s) on the {name} page ({page.url}):\n"
            + format_violations(violations)
            + "\n\nraw: "
            + json.dumps([v["id"] for v in violations])
        )

    return check
