"""Demo notifications: today's reminders for the demo children, some already read.

Call after the pathways have their demo states (``veerkracht.demo.pathways.advance``), so the
reminders match what the worklist shows. No e-mail is sent."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from .models import Notification
from .services import send_reminders

READ_SHARE = 0.4


def seed(pathways: list[Any], *, actor: Any, today: datetime.date, rng: random.Random) -> dict[str, int]:
    """Create the reminders of ``today`` for these pathways (through the service, so the run is
    audited) and mark a deterministic share of them read. ``actor`` is not needed: the reminder
    run is the system's."""
    result = send_reminders(today, pathway_ids=[p.pk for p in pathways], email=False)
    created = list(
        Notification.objects.filter(activity__pathway__in=[p.pk for p in pathways], read_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    read = [pk for pk in created if rng.random() < READ_SHARE]
    Notification.objects.filter(pk__in=read).update(read_at=timezone.now())
    return {"notifications": result["created"], "read": len(read)}
