"""Background work on the task queue (django.tasks; run by ``veerkracht db_worker`` from django-tasks-db)."""

from __future__ import annotations

import datetime

from django.tasks import task


@task
def refresh_monitoring_task(since: str | None = None) -> dict[str, int]:
    """The same work as ``veerkracht refresh_monitoring``; ``since`` as YYYY-MM-DD (default: every pathway)."""
    from .facts import refresh

    return refresh(since=datetime.date.fromisoformat(since) if since else None)
