"""Production: everything from the environment, HTTPS only, hashed static files.

Needs at least ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL``.
"""

from .base import *  # noqa: F403
from .base import DATABASES, LOGGING, SITE_DOMAIN, STORAGES, env

JIEDAN_ENVIRONMENT = "production"
DEBUG = False

# Several web processes need one shared database, cache, channel layer and broker: refuse to
# start on the embedded fallbacks (SQLite, in-process memory) instead of degrading silently.
for _required in ("DATABASE_URL", "REDIS_URL", "FIELD_ENCRYPTION_KEYS"):
    env.str(_required)

# A pool of database connections per process (psycopg's), shared by its request threads: a
# request borrows a connection and gives it back when it ends, instead of connecting anew
# each time (a thread never keeps one: base.py). Health-checked when lent, so a restarted
# server costs no failed request. The web processes turn it on (config/gunicorn.py sets
# DATABASE_POOL_SIZE); workers connect per job. 0 turns it off (PgBouncer in transaction mode
# pools then); web processes × size must stay under the server's max_connections.
DATABASE_POOL_SIZE = env.int("DATABASE_POOL_SIZE", default=0)
if DATABASE_POOL_SIZE:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them; Django may not as well
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        "timeout": 3,  # waiting longer for a free connection answers 503 (ops.unavailable)
    }

# Public pages for visitors who are not signed in come from the cache (jiedan.core.public_pages).
JIEDAN_PUBLIC_PAGE_SECONDS = env.int("JIEDAN_PUBLIC_PAGE_SECONDS", default=30)

SITE_URL = env("SITE_URL", default=f"https://{SITE_DOMAIN}").rstrip("/")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]  # probes and the scraper

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One JSON object per log line and an access record per request, unless told otherwise.
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="json")
LOGGING["loggers"]["jiedan.request"]["level"] = env("ACCESS_LOG_LEVEL", default="INFO")

# Error reporting (optional): install with the "sentry" extra and set SENTRY_DSN.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        send_default_pii=False,  # no addresses, cookies or bodies leave the platform
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
