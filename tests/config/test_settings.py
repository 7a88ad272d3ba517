"""The settings read every deploy-specific value from the environment. Each test loads them in
a fresh interpreter with a controlled environment, so nothing leaks between configurations."""

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.config.conftest import clean_environment

DATABASE = """
db = settings.DATABASES["default"]
result = {key: db.get(key) for key in ("ENGINE", "NAME", "HOST", "PORT", "USER", "PASSWORD",
                                       "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS")}
"""

SERVICES = """
from jiedan.config.celery import app
result = {
    "channel_layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "channel_hosts": settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("hosts"),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "celery_eager": app.conf.task_always_eager,
    "celery_broker": app.conf.broker_url,
}
"""


# --- Database ----------------------------------------------------------------------------------


def test_without_database_url_local_uses_sqlite_in_the_data_dir(load_settings, tmp_path):
    # when the local settings load without DATABASE_URL
    db = load_settings(DATABASE)
    # then the database is a SQLite file in the data directory, which now exists
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(db["NAME"]) == tmp_path / "data" / "jiedan.sqlite3"
    assert (tmp_path / "data").is_dir()
    # tuned for a web server's concurrent writers
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_database_url_switches_to_postgresql(load_settings):
    # when DATABASE_URL names a PostgreSQL server
    db = load_settings(
        DATABASE, DATABASE_URL="postgres://jiedan:s3cret@db.example.org:5433/jiedan_prod"
    )
    # then Django talks to it, with health-checked connections closed after each request (a
    # connection kept by an ASGI request's thread would never be used again)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db.example.org", 5433, "jiedan_prod")
    assert (db["USER"], db["PASSWORD"]) == ("jiedan", "s3cret")
    assert db["CONN_MAX_AGE"] == 0
    assert db["CONN_HEALTH_CHECKS"] is True


def test_database_connection_age_is_configurable(load_settings):
    # when DATABASE_CONN_MAX_AGE is set next to a PostgreSQL URL
    db = load_settings(
        DATABASE, DATABASE_URL="postgres://u@db.example.org/j", DATABASE_CONN_MAX_AGE="60"
    )
    # then connections are kept that long (for processes that reuse their threads)
    assert db["CONN_MAX_AGE"] == 60


# --- Redis: cache, channel layer, Celery -------------------------------------------------------


def test_without_redis_everything_runs_in_process(load_settings):
    # when the settings load without REDIS_URL
    services = load_settings(SERVICES)
    # then the channel layer and cache live in memory and tasks run in-process
    assert services["channel_layer"] == "channels.layers.InMemoryChannelLayer"
    assert services["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert services["eager"] is True
    assert services["celery_eager"] is True
    assert services["celery_broker"] == "memory://"


def test_redis_url_switches_cache_channels_and_celery_to_redis(load_settings):
    # when REDIS_URL is set
    url = "redis://redis.example.org:6380/2"
    services = load_settings(SERVICES, REDIS_URL=url)
    # then the cache, the channel layer and the Celery broker all use it
    assert services["channel_layer"] == "channels_redis.core.RedisChannelLayer"
    assert services["channel_hosts"] == [{"address": url, "socket_timeout": 15}]
    assert services["cache"] == "jiedan.ops.cache.ResilientRedisCache"
    assert services["cache_location"] == url
    assert services["eager"] is False
    assert services["celery_eager"] is False
    assert services["celery_broker"] == url


def test_cache_and_channel_keys_share_a_configurable_prefix(load_settings):
    # when two deployments share a Redis and one sets its own prefix
    code = """
result = [settings.CACHES["default"]["KEY_PREFIX"],
          settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]]
"""
    default = load_settings(code, REDIS_URL="redis://r/0")
    custom = load_settings(code, REDIS_URL="redis://r/0", CACHE_KEY_PREFIX="staging")
    # then their keys do not collide
    assert default == ["jiedan", "jiedan"]
    assert custom == ["staging", "staging"]


# --- E-mail and storage ------------------------------------------------------------------------


EMAIL = """
result = {key: getattr(settings, key, None) for key in (
    "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL")}
"""


def test_without_email_url_mail_goes_to_the_console(load_settings):
    # when the settings load without EMAIL_URL
    email = load_settings(EMAIL)
    # then mail is printed, not sent
    assert email["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize(("scheme", "tls"), [("smtp", False), ("smtp+tls", True)])
def test_email_url_configures_smtp(load_settings, scheme, tls):
    # when EMAIL_URL names an SMTP server
    email = load_settings(EMAIL, EMAIL_URL=f"{scheme}://user:pw@mail.example.org:587")
    # then Django sends through it with those credentials (STARTTLS with smtp+tls://)
    assert email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (email["EMAIL_HOST"], email["EMAIL_PORT"]) == ("mail.example.org", 587)
    assert (email["EMAIL_HOST_USER"], email["EMAIL_HOST_PASSWORD"]) == ("user", "pw")
    assert bool(email["EMAIL_USE_TLS"]) is tls


STORAGE = """
from django.core.files.storage import storages
default_storage = storages["default"]
result = {
    "backend": settings.STORAGES["default"]["BACKEND"],
    "options": settings.STORAGES["default"].get("OPTIONS", {}),
    "class": type(default_storage).__name__,
    "location": getattr(default_storage, "location", None),
    "bucket": getattr(default_storage, "bucket_name", None),
}
"""


def test_without_s3_uploads_go_to_the_data_dir(load_settings, tmp_path):
    # when the settings load without S3_BUCKET
    storage = load_settings(STORAGE)
    # then uploaded files are kept on disk in the data directory
    assert storage["class"] == "FileSystemStorage"
    assert Path(storage["location"]) == tmp_path / "data" / "media"


def test_s3_bucket_switches_uploads_to_s3(load_settings):
    # when an S3 bucket is configured
    storage = load_settings(
        STORAGE,
        S3_BUCKET="jiedan-media",
        S3_ENDPOINT_URL="https://s3.example.org",
        S3_REGION="cn-north-1",
    )
    # then uploads go to that private bucket through signed URLs
    assert storage["backend"] == "storages.backends.s3.S3Storage"
    assert storage["class"] == "S3Storage"
    assert storage["bucket"] == "jiedan-media"
    assert storage["options"]["bucket_name"] == "jiedan-media"
    assert storage["options"]["endpoint_url"] == "https://s3.example.org"
    assert storage["options"]["region_name"] == "cn-north-1"
    assert storage["options"]["default_acl"] == "private"
    assert storage["options"]["querystring_auth"] is True


# --- Business settings, environments -----------------------------------------------------------


def test_commission_defaults_to_ten_percent_and_is_configurable(load_settings):
    # when the settings load with and without JIEDAN_COMMISSION_RATE
    code = "result = str(settings.JIEDAN_COMMISSION_RATE)"
    # then the rate is 10 % unless configured
    assert Decimal(load_settings(code)) == Decimal("0.10")
    assert Decimal(load_settings(code, JIEDAN_COMMISSION_RATE="0.08")) == Decimal("0.08")


def test_local_settings_run_in_debug_on_the_loopback(load_settings):
    # when the developer settings load with nothing configured
    local = load_settings(
        "result = [settings.DEBUG, settings.ALLOWED_HOSTS, settings.JIEDAN_ENVIRONMENT]"
    )
    # then debug is on and only local addresses are served
    assert local == [True, ["127.0.0.1", "localhost", "[::1]"], "local"]


PRODUCTION = "jiedan.config.settings.production"
PRODUCTION_SERVICES = {
    "DATABASE_URL": "postgres://jiedan@db.example.org/jiedan",
    "REDIS_URL": "redis://redis.example.org:6379/0",
    "FIELD_ENCRYPTION_KEYS": "9b3M2v7kJc0Yt5mF1Xw8q4Ls6Rn0Pz2Ea7Hd3Ug5Vy4=",
}


def test_production_ignores_debug_from_the_environment(load_settings):
    # when production settings load with DEBUG=true left in the environment
    production = load_settings(
        "result = [settings.DEBUG, settings.JIEDAN_ENVIRONMENT, settings.ALLOWED_HOSTS]",
        settings_module=PRODUCTION,
        **PRODUCTION_SERVICES,
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="jiedan.example.org",
        DEBUG="true",
    )
    # then debug stays off
    assert production == [False, "production", ["jiedan.example.org"]]


@pytest.mark.parametrize(("size", "pooled"), [(None, None), ("16", 16), ("0", None)])
def test_production_pools_database_connections_when_asked(load_settings, size, pooled):
    # when production settings load, with DATABASE_POOL_SIZE unset (a worker), 16 (a web
    # process: config/gunicorn.py sets it) or 0 (PgBouncer), and a kept-connection age set
    variables = {"DATABASE_POOL_SIZE": size} if size is not None else {}
    variables["DATABASE_CONN_MAX_AGE"] = "60"
    db = load_settings(
        DATABASE,
        settings_module=PRODUCTION,
        **PRODUCTION_SERVICES,
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="jiedan.example.org",
        **variables,
    )
    # then the request threads borrow health-checked connections from a pool of that size,
    # and no thread keeps one of its own while pooled
    pool = (db["OPTIONS"] or {}).get("pool")
    assert (pool or {}).get("max_size") == pooled
    assert db["CONN_MAX_AGE"] == (0 if pooled else 60) and db["CONN_HEALTH_CHECKS"] is True


def test_web_processes_pool_their_connections(tmp_path):
    # the gunicorn settings module asks for the pool before the application loads
    script = "import os, jiedan.config.gunicorn; print(os.environ['DATABASE_POOL_SIZE'])"
    environment = clean_environment(tmp_path, PRODUCTION)
    found = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True
    )
    assert found.stdout.strip() == "16", found.stderr


def test_production_serves_hashed_static_files_over_https(load_settings):
    production = load_settings(
        """
result = {
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
}
""",
        settings_module=PRODUCTION,
        **PRODUCTION_SERVICES,
        SECRET_KEY="x" * 60,
    )
    assert production == {
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "ssl_redirect": True,
        "hsts": 31536000,
        "secure_cookies": [True, True],
    }


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "FIELD_ENCRYPTION_KEYS"]
)
def test_production_refuses_to_start_without_a_required_variable(tmp_path, missing):
    # when production settings are loaded with one required variable absent
    required = {**PRODUCTION_SERVICES, "SECRET_KEY": "x" * 60}
    del required[missing]
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings\n"
            "from django.core.exceptions import ImproperlyConfigured\n"
            "try:\n    settings.DEBUG\n"
            "except ImproperlyConfigured as error:\n    print('refused:', error)\n"
            "else:\n    print('started')\n",
        ],
        env=clean_environment(tmp_path, PRODUCTION, ALLOWED_HOSTS="jiedan.example.org", **required),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # then they refuse, naming the missing variable
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("refused:"), completed.stdout
    assert missing in completed.stdout


def test_test_settings_keep_mail_in_memory(load_settings):
    # the suite itself never sends mail, even with an SMTP server configured
    backend = load_settings(
        "result = settings.EMAIL_BACKEND",
        settings_module="jiedan.config.settings.test",
        EMAIL_URL="smtp://user:pw@mail.example.org:587",
    )
    assert backend == "django.core.mail.backends.locmem.EmailBackend"
