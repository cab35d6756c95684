"""Writing to the access log. Domain services call ``record`` inside their own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from . import chain, context
from .models import Action, AuditEvent, Outcome

_PG_LOCK_ID = 7513  # serialises appends to the chain for the length of the transaction


def _last_hash() -> str:
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or chain.GENESIS


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_ID])
    # SQLite: transactions start IMMEDIATE (settings), so the writer already holds the lock.


def record(
    *,
    actor: Any,
    action: Action | str,
    obj: Model | None = None,
    client: Any = None,
    changed_fields: Iterable[str] = (),
    outcome: Outcome | str = Outcome.SUCCESS,
    detail: str = "",
    on_behalf_of: Any = None,
    object_type: str = "",
    object_id: str = "",
    username: str = "",
) -> AuditEvent:
    """Append one event to the access log.

    ``actor`` is the user who acted (or None for the system); ``on_behalf_of`` the
    responsible user when that is someone else. ``client`` is the person whose
    record was touched; its id and client number are logged, never its name.
    """
    ctx = context.current()
    responsible = on_behalf_of or actor
    values: dict[str, Any] = {
        "timestamp": timezone.now(),
        "action": str(action),
        "outcome": str(outcome),
        "user_id": getattr(actor, "pk", None),
        "username": (getattr(actor, "username", "") or username)[:150],
        "responsible_user_id": getattr(responsible, "pk", None),
        "responsible_username": (getattr(responsible, "username", "") or username)[:150],
        "role": str(getattr(actor, "audit_role", "") or ""),
        "organisation_id": getattr(actor, "audit_organisation_id", None),
        "client_id": getattr(client, "pk", None),
        "client_number": (getattr(client, "client_number", "") or "")[:32],
        "object_type": object_type or (obj._meta.label_lower if obj is not None else ""),
        "object_id": object_id or (str(obj.pk) if obj is not None and obj.pk is not None else ""),
        "source_address": ctx.source_address,
        "request_id": ctx.request_id,
        "changed_fields": sorted(set(changed_fields)),
        "detail": detail[:200],
    }
    with transaction.atomic():
        _lock_chain()
        prev = _last_hash()
        event = AuditEvent(prev_hash=prev, hash=chain.compute_hash(values, prev), **values)
        event.save(force_insert=True)
    return event
