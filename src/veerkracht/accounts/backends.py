from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class VeerkrachtBackend(ModelBackend):
    """Password check; demo accounts are refused unless demo mode is on."""

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)
