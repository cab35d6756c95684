"""``veerkracht send_reminders``: today's reminders about due and overdue activities (for cron).

Prints counts only. ``--enqueue`` puts the work on the task queue instead (``veerkracht db_worker``
picks it up)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Create reminders about activities that are overdue or due within 7 days, and e-mail the counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=_date, help="plan for another date (YYYY-MM-DD)")
        parser.add_argument("--enqueue", action="store_true", help="put the work on the task queue instead")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"]
        if options["enqueue"]:
            from veerkracht.notifications.tasks import send_reminders_task

            result = send_reminders_task.enqueue(today=today.isoformat() if today else None)
            self.stdout.write(f"enqueued task {result.id} ({result.status})")
            return
        from veerkracht.notifications.services import send_reminders

        counts = send_reminders(today)
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
