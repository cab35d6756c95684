from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

LOGIN_AT_KEY = "login_at"  # unix time of the password step; the absolute session limit counts from it
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """Dutch by default; a logged-in user's own choice, else the language cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = settings.LANGUAGE_CODE
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in LANGUAGE_CODES:
            language = user.language
        else:
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if cookie in LANGUAGE_CODES:
                language = cookie
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SecondFactorRequiredMiddleware:
    """Default deny: every view needs a password and a verified second factor,
    except views marked ``public`` (and ``password_only`` for the second-factor steps).
    Also ends sessions that have been idle too long, and every session at the latest
    ``SESSION_ABSOLUTE_TIMEOUT`` seconds after login, however active it is (the idle
    check re-saves the session on every request, so the cookie age alone is no limit)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            login_at = request.session.get(LOGIN_AT_KEY)
            if login_at is None:
                # Sessions that started without the login view (none in production) start their clock now.
                request.session[LOGIN_AT_KEY] = login_at = now
            if now - int(login_at) > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                messages.info(
                    request, _("You were logged out because you have been logged in for a long time. Please log in again.")
                )
                return redirect_to_login(request.get_full_path())
            last = request.session.get("last_activity")
            if last is not None and now - int(last) > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("You were logged out because you were inactive for a while."))
                return redirect_to_login(request.get_full_path())
            request.session["last_activity"] = now
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> HttpResponse | None:
        if getattr(view_func, "veerkracht_public", False):
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(view_func, "veerkracht_password_only", False):
            return None
        if not user.is_verified():  # type: ignore[union-attr]
            return redirect("accounts:verify")
        return None
