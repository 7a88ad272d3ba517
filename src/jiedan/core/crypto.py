"""Encryption at rest for sensitive fields (ID numbers, phone numbers, payout details).

Keys come from ``settings.FIELD_ENCRYPTION_KEYS`` (newest first). Values are encrypted with
the first key and decrypted with any of them, so a key can be rotated: add a new key in
front, run ``manage.py encryption_rotate`` to re-encrypt every stored value, then drop the
old key.
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def key_from_secret(secret: str) -> str:
    """A Fernet key derived from a secret (only for local and test settings)."""
    digest = hashlib.sha256(("jiedan-field-encryption:" + secret).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("value is not encrypted")
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise ValueError("value cannot be decrypted with the configured keys") from error


def rotate(stored: str) -> str:
    """Re-encrypt a stored value with the newest key."""
    return PREFIX + fernet().rotate(stored[len(PREFIX) :].encode()).decode()


class EncryptedTextField(models.TextField):
    """Text stored encrypted; reads give back the plain text. Not searchable or sortable."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)
