from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view as reachable without login and second factor (login pages, language)."""
    view.veerkracht_public = True  # type: ignore[attr-defined]
    return view


def password_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Reachable after the password step, before the second factor (the second-factor pages)."""
    view.veerkracht_password_only = True  # type: ignore[attr-defined]
    return view


def role_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if getattr(request.user, "role", "") not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapped

    return decorator
