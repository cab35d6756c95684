"""The keyed hash chain over audit events (tamper evidence)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings

GENESIS = "0" * 64

CHAINED_FIELDS = (
    "timestamp",
    "action",
    "outcome",
    "user_id",
    "username",
    "responsible_user_id",
    "responsible_username",
    "role",
    "organisation_id",
    "client_id",
    "client_number",
    "object_type",
    "object_id",
    "source_address",
    "request_id",
    "changed_fields",
    "detail",
)


_ENCODE = json.JSONEncoder(separators=(",", ":"), default=str).encode


def _canonical(values: dict[str, Any]) -> bytes:
    """The event's content as a JSON array in CHAINED_FIELDS order (unambiguous, fast)."""
    out = [values.get(name) for name in CHAINED_FIELDS]
    timestamp = out[0]
    if timestamp is not None and not isinstance(timestamp, str):
        out[0] = timestamp.isoformat(timespec="microseconds")
    return _ENCODE(out).encode()


def compute_hash(values: dict[str, Any], prev_hash: str, key: bytes | None = None) -> str:
    key = key if key is not None else settings.AUDIT_HMAC_KEY.encode()
    mac = hmac.new(key, prev_hash.encode() + b"|" + _canonical(values), hashlib.sha256)
    return mac.hexdigest()


def verify(rows: Iterator[dict[str, Any]]) -> tuple[int, dict[str, Any] | None]:
    """Walk rows in id order; return (number verified, first failing row or None)."""
    key = settings.AUDIT_HMAC_KEY.encode()
    prev = GENESIS
    count = 0
    for row in rows:
        if row["prev_hash"] != prev or not hmac.compare_digest(compute_hash(row, prev, key), row["hash"]):
            return count, row
        prev = row["hash"]
        count += 1
    return count, None
