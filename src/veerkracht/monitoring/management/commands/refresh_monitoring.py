"""``veerkracht refresh_monitoring``: rebuild the monitoring's fact rows (nightly, from cron).

Prints counts only. ``--since YYYY-MM-DD`` limits the work to stays open on or after that date;
``--enqueue`` puts the work on the task queue instead (``veerkracht db_worker`` picks it up)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since must be YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Rebuild the monitoring's fact rows (one per child pathway, no personal data) from the records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=_date, help="only stays open on or after this date (YYYY-MM-DD)")
        parser.add_argument("--enqueue", action="store_true", help="put the work on the task queue instead")

    def handle(self, *args: Any, **options: Any) -> None:
        since = options["since"]
        if options["enqueue"]:
            from veerkracht.monitoring.tasks import refresh_monitoring_task

            result = refresh_monitoring_task.enqueue(since=since.isoformat() if since else None)
            self.stdout.write(f"enqueued task {result.id} ({result.status})")
            return
        from veerkracht.monitoring.facts import refresh

        counts = refresh(since=since)
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
