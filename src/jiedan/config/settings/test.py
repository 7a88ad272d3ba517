"""Test suite: SQLite unless ``DATABASE_URL`` is set, fast hashing, mail kept in memory."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-insecure-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from jiedan.core.crypto import key_from_secret

from .base import *  # noqa: F403
from .base import (
    CACHES,
    DATABASES,
    FIELD_ENCRYPTION_KEYS,
    SECRET_KEY,
    STATIC_ROOT,
    STORAGES,
    env,
)

JIEDAN_ENVIRONMENT = "test"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env(
    "DATABASE_URL", default=""
):
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "TEST": {"NAME": ""},
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
if "KEY_PREFIX" in CACHES["default"]:
    CACHES["default"]["KEY_PREFIX"] = f"jiedan-test-{os.getpid()}"
MEDIA_ROOT = env("JIEDAN_TEST_MEDIA_ROOT", default=str(STATIC_ROOT.parent / "test-media"))
if STORAGES["private"]["BACKEND"].endswith("FileSystemStorage"):
    STORAGES["private"]["OPTIONS"]["location"] = f"{MEDIA_ROOT}-private"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [key_from_secret(SECRET_KEY)]
