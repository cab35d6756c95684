"""Form building blocks without domain knowledge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but a primary key outside the 64-bit range is refused with the normal
    message instead of reaching the database (``pk__in=[2**70]`` raises OverflowError on SQLite)."""

    def _check_values(self, value: Any) -> Any:
        if (self.to_field_name or "pk") == "pk":
            for pk in value:
                try:
                    number = int(str(pk))
                except (TypeError, ValueError):
                    continue  # Django's own check refuses it with "not a valid value"
                if not BIGINT_MIN <= number <= BIGINT_MAX:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(pk)[:40]}
                    )
        return super()._check_values(value)
