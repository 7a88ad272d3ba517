"""Prometheus metrics of the web processes.

Under the process server several worker processes serve requests; with
``PROMETHEUS_MULTIPROC_DIR`` set (the gunicorn configuration sets it), each writes its
samples there and ``/metrics`` adds them up. Labels are bounded: the route is the URL
pattern's name (never the path, which holds ids), the status a class such as ``2xx``.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "jiedan_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
LATENCY = Histogram(
    "jiedan_http_request_seconds",
    "Time to answer an HTTP request, by route.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
UNNAMED_ROUTE = "unnamed"
NOT_FOUND_ROUTE = "not-found"


def observe(*, method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} else "OTHER"
    REQUESTS.labels(method, route, f"{status // 100}xx").inc()
    LATENCY.labels(method, route).observe(seconds)


def exposition() -> tuple[bytes, str]:
    """The text exposition of every worker's samples, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
