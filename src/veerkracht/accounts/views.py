from __future__ import annotations

import base64
import time
from io import BytesIO

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from veerkracht.audit.models import Action
from veerkracht.audit.services import record

from .decorators import password_only, public
from .forms import LoginForm, PreferencesForm, TokenForm
from .middleware import LOGIN_AT_KEY
from .services import do_confirm_totp_device, do_set_language

MAX_TOKEN_FAILURES = 3  # then the password must be entered again


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or request.session.get("login_next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return "/"


@public
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)
        request.session[LOGIN_AT_KEY] = int(time.time())
        request.session["login_next"] = _next_url(request)
        request.session["token_failures"] = 0
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return redirect("accounts:verify")
        return redirect("accounts:setup")
    if getattr(request, "axes_locked_out", False):
        return render(request, "accounts/locked_out.html", status=429)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def _token_failed(request: HttpRequest) -> HttpResponse | None:
    """Count a wrong code; after too many, end the session (and let axes count it)."""
    failures = int(request.session.get("token_failures", 0)) + 1
    request.session["token_failures"] = failures
    user = request.user
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username(), "stage": "second factor"}, request=request
    )
    if failures >= MAX_TOKEN_FAILURES:
        auth_logout(request)
        messages.error(request, _("Too many wrong codes. Log in again with your password."))
        return redirect("accounts:login")
    return None


@password_only
@never_cache
def verify_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("accounts:setup")
    if AxesProxyHandler.is_locked(request, {"username": user.get_username()}):
        return render(request, "accounts/locked_out.html", status=429)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            request.session["token_failures"] = 0
            axes_reset(username=user.get_username())
            record(actor=user, action=Action.LOGIN, detail="second factor")
            return redirect(_next_url(request))
        response = _token_failed(request)
        if response is not None:
            return response
        form.add_error("token", _("This code is not correct or has expired. Enter the current code."))
    return render(request, "accounts/verify.html", {"form": form})


def _qr_data_uri(config_url: str) -> str:
    image = qrcode.make(config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@password_only
@never_cache
def setup_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            do_confirm_totp_device(device, acting_user=user)  # type: ignore[arg-type]
            otp_login(request, device)
            axes_reset(username=user.get_username())
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_next_url(request))
        response = _token_failed(request)
        if response is not None:
            return response
        form.add_error("token", _("This code is not correct. Check the time on your phone and try again."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/setup.html",
        {"form": form, "qr": _qr_data_uri(device.config_url), "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))},
    )


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, _("You have been logged out."))
    return redirect("accounts:login")


@never_cache
def preferences_view(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        do_set_language(request.user, form.cleaned_data["language"], acting_user=request.user)  # type: ignore[arg-type]
        response = redirect("accounts:preferences")
        messages.success(request, _("Your preferences have been saved."))
        return response
    return render(request, "accounts/preferences.html", {"form": form})
