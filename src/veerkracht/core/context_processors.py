from typing import Any

from django.conf import settings
from django.http import HttpRequest


def veerkracht(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    membership = user.membership_or_none if user is not None and user.is_authenticated else None
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "membership": membership,
        "user_role": membership.role if membership else "",
    }
