"""Session limits: idle timeout and an absolute timeout counted from login."""

from __future__ import annotations

import time

from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from veerkracht.accounts.middleware import LOGIN_AT_KEY

PASSWORD = "correct horse battery staple"


def _login(client: Client, user) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=user)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post("/login/code/", {"token": code})
    assert response.status_code == 302


def test_login_stores_the_login_time(kinderwerker_a):
    client = Client()
    before = int(time.time())
    _login(client, kinderwerker_a)
    assert before <= client.session[LOGIN_AT_KEY] <= int(time.time())
    assert client.get("/account/").status_code == 200


def test_an_active_session_still_ends_after_the_absolute_limit(kinderwerker_a):
    client = Client()
    _login(client, kinderwerker_a)
    session = client.session
    session[LOGIN_AT_KEY] = int(time.time()) - 10 * 3600 - 5  # logged in more than ten hours ago
    session["last_activity"] = int(time.time()) - 10  # but active a moment ago
    session.save()
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    # the session is really gone, not only this request refused
    assert "_auth_user_id" not in client.session
    response = client.get(response["Location"])
    text = response.content.decode()
    assert "long time" in text or "lang" in text


def test_activity_does_not_extend_the_absolute_limit(kinderwerker_a):
    client = Client()
    _login(client, kinderwerker_a)
    with override_settings(SESSION_ABSOLUTE_TIMEOUT=60):
        session = client.session
        session[LOGIN_AT_KEY] = int(time.time()) - 50
        session.save()
        assert client.get("/account/").status_code == 200  # still inside the limit
        assert client.session[LOGIN_AT_KEY] <= int(time.time()) - 49  # a request does not move the login time
        session = client.session
        session[LOGIN_AT_KEY] = int(time.time()) - 61
        session.save()
        response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_limit_comes_from_the_environment():
    import os
    import subprocess
    import sys

    env = {**os.environ, "VEERKRACHT_SESSION_ABSOLUTE_SECONDS": "1234", "VEERKRACHT_ENV": "test"}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import veerkracht.conf.settings as s; print(s.SESSION_ABSOLUTE_TIMEOUT, s.SESSION_COOKIE_AGE)"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert out == ["1234", "1234"]


def test_default_absolute_limit_is_ten_hours(settings):
    import os

    if "VEERKRACHT_SESSION_ABSOLUTE_SECONDS" not in os.environ:
        assert settings.SESSION_ABSOLUTE_TIMEOUT == 10 * 3600


def test_idle_limit_still_applies(kinderwerker_a, client_for):
    client = client_for(kinderwerker_a)
    assert client.get("/account/").status_code == 200
    session = client.session
    session["last_activity"] = int(time.time()) - 16 * 60
    session.save()
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
