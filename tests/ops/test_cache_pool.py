"""The cache's Redis connections are shared by the threads of a process: under ASGI every
request runs in a thread of its own, and a pool per thread left connections open by the
hundred."""

import os
import threading
import uuid

import pytest
import redis
from django.core.cache import caches

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (REDIS_URL)")
REQUEST_THREADS = 40


def _connections_named(name: str) -> int:
    with redis.Redis.from_url(REDIS_URL) as admin:
        return sum(1 for client in admin.client_list() if client.get("name") == name)


def test_request_threads_share_the_cache_connections(settings):
    # given the production cache, with a name on its connections
    name = f"jiedan-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "jiedan.ops.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": name,
            "OPTIONS": {"client_name": name},
        }
    }
    # when forty requests, one after another, each in a new thread, use the cache
    held = []  # the threads' cache objects stay alive, as they may until collected

    def request(number: int) -> None:
        cache = caches["default"]
        cache.set(f"seen-{number}", number)
        assert cache.get(f"seen-{number}") == number
        held.append(cache)

    for number in range(REQUEST_THREADS):
        thread = threading.Thread(target=request, args=(number,))
        thread.start()
        thread.join()
    # then they used one connection between them, not one each
    assert len({id(cache) for cache in held}) == REQUEST_THREADS
    assert _connections_named(name) == 1
    caches["default"].delete_many([f"seen-{number}" for number in range(REQUEST_THREADS)])
