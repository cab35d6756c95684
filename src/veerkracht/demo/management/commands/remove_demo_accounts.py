"""veerkracht remove_demo_accounts: delete every demo account before going to production."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError, RestrictedError

from veerkracht.demo import synthetic


class Command(BaseCommand):
    help = "Delete all demo accounts (User.is_demo). Production refuses to start while any exist."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = synthetic.remove_demo_accounts()
        except (ProtectedError, RestrictedError) as exc:
            raise CommandError(
                f"Demo accounts are still referenced by records that protect them: {exc}"
            ) from exc
        self.stdout.write(f"Removed {count} demo account(s).")
