"""Reads for the web shell: readiness of the services the site depends on."""

import logging

import redis
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def service_status() -> dict[str, bool]:
    """Whether each backing service answers: the database always, Redis when configured."""
    status = {"database": _database_ok()}
    if settings.REDIS_URL:
        status["redis"] = _redis_ok(settings.REDIS_URL)
    return status


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("readiness: database unreachable", exc_info=True)
        return False


def _redis_ok(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        logger.warning("readiness: redis unreachable", exc_info=True)
        return False
