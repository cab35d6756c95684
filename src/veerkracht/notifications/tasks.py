"""Background work on the task queue (django.tasks; run by ``veerkracht db_worker`` from django-tasks-db)."""

from __future__ import annotations

import datetime

from django.tasks import task


@task
def send_reminders_task(today: str | None = None) -> dict[str, int]:
    """The same work as ``veerkracht send_reminders``; ``today`` as YYYY-MM-DD (default: the current date)."""
    from .services import send_reminders

    return send_reminders(datetime.date.fromisoformat(today) if today else None)
