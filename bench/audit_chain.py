"""Benchmark: `veerkracht verify_audit` over a large access log.

Fills a scratch database with N chained audit events (valid hashes, written in bulk
outside the request path), then times the verification. Usage:

    DATABASE_URL=sqlite:////tmp/audit-bench.sqlite3 .venv/bin/veerkracht migrate
    DATABASE_URL=sqlite:////tmp/audit-bench.sqlite3 .venv/bin/python bench/audit_chain.py --events 10000000

Reports numbers; it is not a timed test.
"""

from __future__ import annotations

import argparse
import datetime
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veerkracht.conf.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from veerkracht.audit import chain  # noqa: E402
from veerkracht.audit.models import AuditEvent  # noqa: E402

COLUMNS = ("timestamp", *[f for f in chain.CHAINED_FIELDS if f != "timestamp"], "prev_hash", "hash")


def fill(n: int, batch: int) -> float:
    if AuditEvent.objects.exists():
        raise SystemExit("use an empty scratch database")
    started = time.monotonic()
    prev = chain.GENESIS
    t0 = datetime.datetime(2016, 1, 1, tzinfo=datetime.UTC)
    actions = ["read", "update", "search", "create", "print"]
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO audit_auditevent ({', '.join(COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
    done = 0
    while done < n:
        rows = []
        for i in range(done, min(n, done + batch)):
            values = {
                "timestamp": t0 + datetime.timedelta(seconds=30 * i),
                "action": actions[i % 5],
                "outcome": "success",
                "user_id": 1 + i % 500,
                "username": f"user{i % 500}",
                "responsible_user_id": 1 + i % 500,
                "responsible_username": f"user{i % 500}",
                "role": "kinderwerker",
                "organisation_id": 1 + i % 24,
                "client_id": 1 + i % 160000,
                "client_number": f"S{1 + i % 24:02d}-{i % 160000:06d}",
                "object_type": "clients.person",
                "object_id": str(1 + i % 160000),
                "source_address": "10.0.0.1",
                "request_id": f"{i:032x}",
                "changed_fields": [],
                "detail": "dossier",
            }
            digest = chain.compute_hash(values, prev)
            row = [values["timestamp"].isoformat() if connection.vendor == "sqlite" else values["timestamp"]]
            row += ["[]" if f == "changed_fields" else values[f] for f in chain.CHAINED_FIELDS if f != "timestamp"]
            row += [prev, digest]
            rows.append(row)
            prev = digest
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        done += len(rows)
        print(f"\r{done:,} events written", end="", flush=True)
    print()
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000)
    args = parser.parse_args()
    fill_seconds = fill(args.events, args.batch)
    started = time.monotonic()
    call_command("verify_audit")
    verify_seconds = time.monotonic() - started
    print(f"database: {connection.vendor}; events: {args.events:,}")
    print(f"fill: {fill_seconds:.0f} s; verify_audit: {verify_seconds:.0f} s ({args.events / verify_seconds:,.0f} events/s)")


if __name__ == "__main__":
    main()
