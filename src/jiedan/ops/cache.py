"""The shared cache, degrading instead of failing while Redis is unreachable.

The cache holds what can be rebuilt: rate-limit counters, version stamps, cached figures.
With Redis stopped, pages keep working: a read misses, a write is dropped, a counter starts
again from one (rate limits let requests through rather than refusing everyone), and the
outage is logged once a minute per thread. Sessions and everything that must not be lost
live in the database.

Django keeps one cache object per thread, and under ASGI every request runs in a thread of
its own: with a connection pool per cache object, each request thread left Redis connections
open until it was collected (hundreds per process under load). The pool here is one per
process and server, shared by every thread (redis-py's pool is thread-safe), so the
connections follow the requests in flight.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 60


_pools: dict[tuple, object] = {}
_pools_lock = threading.Lock()


class SharedPoolRedisCacheClient(RedisCacheClient):
    """Django's Redis client, taking its connection pools from the process-wide ``_pools``."""

    def _get_connection_pool(self, write):
        server = self._servers[self._get_connection_pool_index(write)]
        key = (server, self._pool_class, repr(sorted(self._pool_options.items(), key=str)))
        with _pools_lock:
            if key not in _pools:
                _pools[key] = self._pool_class.from_url(server, **self._pool_options)
            return _pools[key]


class ResilientRedisCache(RedisCache):
    _last_warning = -WARN_EVERY_SECONDS  # per cache object (one per thread)

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient

    def _degraded(self, operation: str, fallback):
        now = time.monotonic()
        if now - self._last_warning >= WARN_EVERY_SECONDS:
            self._last_warning = now
            logger.warning("cache unreachable (%s); serving without it", operation, exc_info=True)
        return fallback

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError:
            return self._degraded("add", False)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError:
            return self._degraded("get", default)

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError:
            self._degraded("set", None)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError:
            return self._degraded("touch", False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError:
            return self._degraded("delete", False)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError:
            return self._degraded("get_many", {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError:
            return self._degraded("has_key", False)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError:
            return self._degraded("incr", delta)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError:
            return self._degraded("set_many", list(data))

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError:
            self._degraded("delete_many", None)

    def clear(self):
        try:
            return super().clear()
        except RedisError:
            return self._degraded("clear", False)
