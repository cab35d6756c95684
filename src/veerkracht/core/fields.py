from __future__ import annotations

from typing import Any

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Text stored encrypted (Fernet); a database dump shows no clear text.

    Encrypted values cannot be searched or sorted in the database; use this for
    addresses and free-text narratives, not for names that are searched.
    """

    encrypted = True

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(crypto.PREFIX):
            return crypto.decrypt(value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))
