"""Field encryption with keys from the environment (never from the database).

The first key of ``settings.FIELD_ENCRYPTION_KEYS`` encrypts; every key decrypts,
so a new key can be prepended and old values re-encrypted by ``rotate_keys``
while the application keeps running.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1:"


def _fernet_key(raw: str) -> bytes:
    raw_bytes = raw.encode()
    try:
        decoded = base64.urlsafe_b64decode(raw_bytes)
    except ValueError:
        decoded = b""
    if len(decoded) == 32:
        return base64.urlsafe_b64encode(decoded)
    # A passphrase: derive a key from it (documented; a real Fernet key is preferred).
    return base64.urlsafe_b64encode(hashlib.sha256(raw_bytes).digest())


@lru_cache(maxsize=8)
def _multi(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("VEERKRACHT_FIELD_KEYS is empty: encrypted fields cannot be used")
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def cipher() -> MultiFernet:
    return _multi(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return PREFIX + cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("value is not encrypted")
    try:
        return cipher().decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:  # wrong or removed key
        raise ImproperlyConfigured("an encrypted value cannot be read with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt a stored token with the current primary key."""
    return PREFIX + cipher().rotate(token[len(PREFIX) :].encode()).decode()


def is_current(token: str) -> bool:
    """True when the token was encrypted with the primary key."""
    primary = Fernet(_fernet_key(settings.FIELD_ENCRYPTION_KEYS[0]))
    try:
        primary.decrypt(token[len(PREFIX) :].encode())
    except InvalidToken:
        return False
    return True
