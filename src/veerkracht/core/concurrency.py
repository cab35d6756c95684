"""Optimistic locking: a save based on an old version is refused, never silently applied."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class ConcurrentEditError(Exception):
    message = _(
        "Someone else changed this record while you were editing it. "
        "Your input has been kept below; check the current values and save again."
    )

    def __init__(self, current: models.Model | None = None):
        super().__init__(str(self.message))
        self.current = current


def save_with_version(instance: models.Model, expected_version: int, fields: list[str]) -> None:
    """Save ``fields`` of ``instance`` only if the stored version is still ``expected_version``."""
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    if any(f.name == "updated_at" for f in model._meta.get_fields()):
        from django.utils import timezone

        values["updated_at"] = timezone.now()
    # Build prepared values through the model fields (encryption etc. applies in update()).
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise ConcurrentEditError(model._default_manager.filter(pk=instance.pk).first())
    instance.version = expected_version + 1  # type: ignore[attr-defined]
