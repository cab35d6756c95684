from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from veerkracht.audit import chain
from veerkracht.audit.models import AuditEvent

FIELDS = ("id", "prev_hash", "hash", *chain.CHAINED_FIELDS)


def _rows_in_batches(size: int) -> Iterator[dict[str, Any]]:
    """Events in id order, read in batches by id (no server-side cursor left open)."""
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id").values(*FIELDS)[:size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1]["id"]


class Command(BaseCommand):
    help = "Walk the access log's hash chain and name the first event that does not verify."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--chunk-size", type=int, default=20000)

    def handle(self, *args: Any, chunk_size: int, **options: Any) -> None:
        started = time.monotonic()
        count, failing = chain.verify(_rows_in_batches(chunk_size))
        elapsed = time.monotonic() - started
        if failing is not None:
            raise CommandError(
                f"The access log does not verify at event {failing['id']} "
                f"({failing['timestamp']:%Y-%m-%d %H:%M:%S}, action {failing['action']}): "
                f"{count} events before it verified. The event or its predecessor was altered or removed."
            )
        self.stdout.write(self.style.SUCCESS(f"{count} events verified in {elapsed:.1f} s."))
