from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from veerkracht.core import crypto
from veerkracht.core.fields import EncryptedTextField


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key of VEERKRACHT_FIELD_KEYS. "
        "Runs in small batches while the application keeps running; safe to repeat."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            names = [f.attname for f in fields]
            rotated = 0
            last_pk: Any = None
            while True:
                # Read the stored tokens, not the decrypted values.
                raw = _raw_rows(model, names, last_pk, batch_size)
                if not raw:
                    break
                with transaction.atomic():
                    for pk, *tokens in raw:
                        updates = {
                            name: crypto.rotate(token)
                            for name, token in zip(names, tokens, strict=True)
                            if token and not crypto.is_current(token)
                        }
                        if updates:
                            _raw_update(model, pk, updates)
                            rotated += 1
                last_pk = raw[-1][0]
            total += rotated
            self.stdout.write(f"{model._meta.label}: {rotated} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows re-encrypted with the current key."))


def _raw_rows(model: Any, names: list[str], last_pk: Any, limit: int) -> list[tuple[Any, ...]]:
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    cols = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    where = f"WHERE {pk} > %s" if last_pk is not None else ""
    params = [last_pk] if last_pk is not None else []
    # bandit B608 is a false positive: identifiers come from model meta and are quoted; values are parameters.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {cols} FROM {table} {where} ORDER BY {pk} LIMIT %s", [*params, limit])  # noqa: S608  # nosec B608
        return cursor.fetchall()


def _raw_update(model: Any, pk: Any, updates: dict[str, str]) -> None:
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    pk_col = connection.ops.quote_name(model._meta.pk.column)
    sets = ", ".join(f"{connection.ops.quote_name(model._meta.get_field(n).column)} = %s" for n in updates)
    # bandit B608 is a false positive: identifiers come from model meta and are quoted; values are parameters.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {sets} WHERE {pk_col} = %s", [*updates.values(), pk])  # noqa: S608  # nosec B608
