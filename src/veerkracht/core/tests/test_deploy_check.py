"""`veerkracht check --deploy` with production settings reports nothing."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VEERKRACHT_", "DJANGO_"))}
    env.update(
        {
            "VEERKRACHT_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "veerkracht.conf.settings",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "VEERKRACHT_FIELD_KEYS": Fernet.generate_key().decode(),
            "VEERKRACHT_AUDIT_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "veerkracht.example.nl",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
            "VEERKRACHT_VAR_DIR": str(tmp_path / "var"),
        }
    )
    env.pop("DEBUG", None)  # production's own default (off) is what is checked
    return env


def _veerkracht() -> list[str]:
    script = Path(sys.executable).with_name("veerkracht")
    if script.exists():
        return [str(script)]
    found = shutil.which("veerkracht")
    if found:
        return [found]
    return [sys.executable, "-m", "django"]


def test_check_deploy_with_production_settings_reports_nothing(tmp_path):
    env = _production_env(tmp_path)
    # The database is migrated first so that checks that look at it see a real schema
    # (the startup refusal in core.startup runs only in wsgi/asgi, not in commands).
    migrate = subprocess.run([*_veerkracht(), "migrate", "--noinput"], env=env, capture_output=True, text=True,  # noqa: S603
                             timeout=300)
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    result = subprocess.run(  # noqa: S603
        [*_veerkracht(), "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_production_refuses_insecure_defaults(tmp_path):
    env = _production_env(tmp_path)
    env.pop("SECRET_KEY")
    env.pop("VEERKRACHT_AUDIT_KEY")
    result = subprocess.run(  # noqa: S603
        [*_veerkracht(), "check", "--deploy"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "VEERKRACHT_AUDIT_KEY" in result.stderr


def test_production_settings_are_hardened(tmp_path):
    env = _production_env(tmp_path)
    code = (
        "import json, veerkracht.conf.settings as s;"
        "print(json.dumps({k: getattr(s, k) for k in ['DEBUG','SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE',"
        "'SESSION_COOKIE_HTTPONLY','CSRF_COOKIE_HTTPONLY','SECURE_HSTS_SECONDS','SECURE_SSL_REDIRECT','X_FRAME_OPTIONS',"
        "'SECURE_CONTENT_TYPE_NOSNIFF','SECURE_REFERRER_POLICY','DEMO_MODE','SESSION_IDLE_TIMEOUT','SESSION_ABSOLUTE_TIMEOUT']}))"
    )
    import json

    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    values = json.loads(out.stdout)
    assert values["DEBUG"] is False and values["DEMO_MODE"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_SSL_REDIRECT"]
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SESSION_IDLE_TIMEOUT"] == 15 * 60 and values["SESSION_ABSOLUTE_TIMEOUT"] == 10 * 3600
