"""Developer laptop and ``make run``: debug on, embedded SQLite, console e-mail."""

import os

os.environ.setdefault("SECRET_KEY", "local-only-insecure-key-change-me-for-any-real-deploy")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

from .base import *  # noqa: F403
from .base import STATIC_ROOT

JIEDAN_ENVIRONMENT = "local"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
