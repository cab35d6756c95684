import os
import subprocess
import sys
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action, AuditEvent
from veerkracht.core.startup import refuse_unsafe_production
from veerkracht.testing.factories import UserFactory

PASSWORD = "correct horse battery staple"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def password_step(client: Client, username: str, password: str = PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_password_then_code_gives_access(kinderwerker_a, child_a):
    client = Client()
    response = password_step(client, kinderwerker_a.username)
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    device = TOTPDevice.objects.get(user=kinderwerker_a)
    response = client.post("/login/code/", {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    details = list(AuditEvent.objects.filter(user_id=kinderwerker_a.pk, action=Action.LOGIN).values_list("detail", flat=True))
    assert details == ["password", "second factor"]


@pytest.mark.parametrize("path", ["/", "/account/", "/clients/", f"/clients/{1}/"])
def test_no_page_behind_login_before_second_factor(kinderwerker_a, child_a, path):
    client = Client()
    password_step(client, kinderwerker_a.username)
    response = client.get(path.replace("1", str(child_a.pk)))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/code/")
    assert child_a.last_name.encode() not in response.content


def test_anonymous_is_sent_to_login(db):
    response = Client().get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_wrong_code_is_refused_and_too_many_end_the_session(kinderwerker_a):
    client = Client()
    password_step(client, kinderwerker_a.username)
    response = client.post("/login/code/", {"token": "000000"})
    assert response.status_code == 200
    assert "niet juist" in response.content.decode() or "not correct" in response.content.decode()
    for _ in range(2):
        response = client.post("/login/code/", {"token": "000000"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/account/")["Location"].startswith("/login/")
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, detail="second factor").count() == 3


def test_code_guesses_count_towards_the_lockout_across_password_logins(kinderwerker_a):
    """A stolen password does not buy unlimited guesses at the code."""
    client = Client()
    password_step(client, kinderwerker_a.username)
    for _ in range(3):
        client.post("/login/code/", {"token": "000000"})
    password_step(client, kinderwerker_a.username)
    client.post("/login/code/", {"token": "000000"})
    response = client.post("/login/code/", {"token": "000000"})
    assert response.status_code == 429
    device = TOTPDevice.objects.get(user=kinderwerker_a)
    response = client.post("/login/code/", {"token": current_code(device)})  # even the right code
    assert response.status_code == 429
    response = password_step(Client(), kinderwerker_a.username)
    assert response.status_code == 429


def test_code_must_be_digits(kinderwerker_a):
    client = Client()
    password_step(client, kinderwerker_a.username)
    response = client.post("/login/code/", {"token": "12ab56"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]


def test_first_login_sets_up_authenticator(org_a):
    user = UserFactory(username="nieuw")
    from veerkracht.organisations.models import Membership

    Membership.objects.create(user=user, role=Role.KINDERWERKER, organisation=org_a)
    client = Client()
    response = password_step(client, "nieuw")
    assert response["Location"] == "/login/setup/"
    page = client.get("/login/setup/")
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/login/setup/", {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(user_id=user.pk, action=Action.OTP_SETUP).exists()
    assert client.get("/account/").status_code == 200


def test_repeated_wrong_passwords_lock_the_account(kinderwerker_a):
    client = Client()
    for _ in range(5):
        response = password_step(client, kinderwerker_a.username, "wrong password")
    response = password_step(client, kinderwerker_a.username)  # even the right password
    assert response.status_code == 429
    assert "locked" in response.content.decode().lower() or "geblokkeerd" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, username=kinderwerker_a.username).count() >= 5


def test_idle_session_is_ended(kinderwerker_a, client_for):
    client = client_for(kinderwerker_a)
    assert client.get("/account/").status_code == 200
    session = client.session
    session["last_activity"] = int(time.time()) - 16 * 60
    session.save()
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_demo_accounts_cannot_log_in_outside_demo_mode(org_a, staff):
    user = staff(Role.KINDERWERKER, org_a, username="demo_kw")
    user.is_demo = True
    user.save()
    with override_settings(DEMO_MODE=False):
        response = password_step(Client(), "demo_kw")
    assert response.status_code == 200  # the form again, with an error
    with override_settings(DEMO_MODE=True):
        response = password_step(Client(), "demo_kw")
    assert response.status_code == 302


def test_production_refuses_to_start_while_demo_accounts_exist(org_a, staff):
    user = staff(Role.KINDERWERKER, org_a, username="demo_kw2")
    with override_settings(PRODUCTION=True):
        refuse_unsafe_production()  # no demo accounts: fine
        user.is_demo = True
        user.save()
        with pytest.raises(ImproperlyConfigured, match="demo account"):
            refuse_unsafe_production()


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VEERKRACHT_", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DEBUG"))}
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import veerkracht.conf.settings"], env=clean, capture_output=True, text=True, check=False
    )


def test_production_refuses_insecure_defaults():
    result = _import_settings({"VEERKRACHT_ENV": "production"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "VEERKRACHT_FIELD_KEYS" in result.stderr and "VEERKRACHT_AUDIT_KEY" in result.stderr


def test_production_starts_with_proper_settings():
    result = _import_settings(
        {
            "VEERKRACHT_ENV": "production",
            "SECRET_KEY": "x" * 64,
            "VEERKRACHT_FIELD_KEYS": "bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleSE=",
            "VEERKRACHT_AUDIT_KEY": "a-real-audit-key-from-the-vault",
            "ALLOWED_HOSTS": "veerkracht.example.org",
            "DATABASE_URL": "postgres://veerkracht@db/veerkracht",
        }
    )
    assert result.returncode == 0, result.stderr


def test_demo_code_refused_in_production_settings():
    # the settings flag that enables demo codes is always off in production
    result = _import_settings(
        {
            "VEERKRACHT_ENV": "production",
            "VEERKRACHT_DEMO": "true",
            "SECRET_KEY": "x" * 64,
            "VEERKRACHT_FIELD_KEYS": "bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleSE=",
            "VEERKRACHT_AUDIT_KEY": "a-real-audit-key-from-the-vault",
            "ALLOWED_HOSTS": "veerkracht.example.org",
            "DATABASE_URL": "postgres://veerkracht@db/veerkracht",
        }
    )
    assert result.returncode == 0
    probe = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "from veerkracht.conf import settings; print(settings.DEMO_MODE)"],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("VEERKRACHT_")},
             "VEERKRACHT_ENV": "production", "VEERKRACHT_DEMO": "true", "SECRET_KEY": "x" * 64,
             "VEERKRACHT_FIELD_KEYS": "bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleSE=",
             "VEERKRACHT_AUDIT_KEY": "k", "ALLOWED_HOSTS": "h", "DATABASE_URL": "postgres://x@db/x"},
        capture_output=True, text=True, check=False,
    )
    assert probe.stdout.strip() == "False"
