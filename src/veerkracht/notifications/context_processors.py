"""The unread count for the header link "Notifications (3)": one cheap query, only when shown."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from veerkracht.accounts.roles import CLIENT_ROLES


class _UnreadCount:
    """Evaluated when the template first uses it, then remembered for the request."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.value: int | None = None

    def __call__(self) -> int:
        if self.value is None:
            from .services import unread_count

            self.value = unread_count(self.user)
        return self.value


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None or not is_verified():
        return {}
    membership = user.membership_or_none
    if membership is None or membership.role not in CLIENT_ROLES:
        return {}
    return {"notifications_unread": _UnreadCount(user)}
