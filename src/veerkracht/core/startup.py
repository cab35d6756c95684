"""Checks that stop a production server from starting in an unsafe state."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_unsafe_production() -> None:
    if not settings.PRODUCTION:
        return
    from django.contrib.auth import get_user_model
    from django.db.utils import DatabaseError

    try:
        demo_accounts = get_user_model().objects.filter(is_demo=True).count()
    except DatabaseError as exc:  # database not migrated or unreachable
        raise ImproperlyConfigured(f"Production refuses to start: the database cannot be checked ({exc.__class__.__name__})") from exc
    if demo_accounts:
        raise ImproperlyConfigured(
            f"Production refuses to start: {demo_accounts} demo account(s) exist. Remove them with `veerkracht remove_demo_accounts`."
        )
