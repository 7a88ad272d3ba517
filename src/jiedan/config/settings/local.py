"""Developer laptop and ``make run``: debug on, embedded SQLite, console e-mail."""

import os

os.environ.setdefault("SECRET_KEY", "local-only-insecure-key-change-me-for-any-real-deploy")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

from jiedan.core.crypto import key_from_secret

from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEYS, SECRET_KEY, STATIC_ROOT

JIEDAN_ENVIRONMENT = "local"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [key_from_secret(SECRET_KEY)]
