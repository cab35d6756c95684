from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import Action, Outcome
from .services import record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(actor=user, action=Action.LOGIN, detail="password")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(actor=user, action=Action.LOGOUT)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The attempted username is logged (NEN 7513 asks for failed logins); never the password.
    record(
        actor=None,
        action=Action.LOGIN_FAILED,
        outcome=Outcome.FAILURE,
        username=str(credentials.get("username", ""))[:150],
        detail=str(credentials.get("stage", "password")),
    )
