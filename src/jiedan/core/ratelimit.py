"""Fixed-window rate limits kept in the cache (Redis in production, local memory embedded).

A limit is written ``"<count>/<seconds>"``, e.g. ``"10/60"``: at most ten hits per minute per key.
"""

import hashlib
import time

from django.core.cache import cache

from .errors import RateLimited


def parse_rate(rate: str) -> tuple[int, int]:
    """``"10/60"`` → ``(10, 60)``; raises ``ValueError`` on anything else."""
    count, _, seconds = rate.partition("/")
    parsed = int(count), int(seconds)
    if parsed[0] < 1 or parsed[1] < 1:
        raise ValueError(f"rate must be positive: {rate!r}")
    return parsed


def ratelimit_hit(*, scope: str, key: str, rate: str, message=None) -> None:
    """Count one hit for ``key`` in ``scope``; raise ``RateLimited`` (with ``message`` when
    given, else the generic one) once the window is full."""
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rl:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        hits = 1
    if hits > limit:
        retry_after = int(period - (time.time() % period)) + 1
        raise RateLimited(message, retry_after=retry_after)
