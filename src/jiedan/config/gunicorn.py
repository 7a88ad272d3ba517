"""gunicorn settings of the web processes, from the environment:

    gunicorn -c python:jiedan.config.gunicorn jiedan.config.asgi:application

Each worker is uvicorn (HTTP and websockets; ``jiedan.ops.server``). ``WEB_CONCURRENCY``
workers (default: one per core), bound to ``WEB_BIND``; with ``PROMETHEUS_MULTIPROC_DIR``
set, the folder is emptied at start and every worker's metrics are summed at ``/metrics``.
Each worker loads the word segmenter, the text encoder and the vector indexes in the
background as it starts (``WEB_WARM_UP=0`` turns that off), so its first searches do not
wait for them.
"""

import logging
import os
import shutil
import threading
import time
from pathlib import Path

# Each web process pools its database connections (jiedan.config.settings.production): a
# download holds one until it is sent, so the pool is roomy.
os.environ.setdefault("DATABASE_POOL_SIZE", "16")

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
worker_class = "jiedan.ops.server.JiedanWorker"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))  # a worker stuck this long is replaced
graceful_timeout = 30
keepalive = 5
# Recycling workers now and then bounds a slow leak (open websockets reconnect by themselves),
# but a new worker loads the encoder and builds its vector indexes again: minutes at a
# million profiles. So it is off unless asked for.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# Trust X-Forwarded-* only from the reverse proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the application writes one structured record per request
errorlog = "-"


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True)


def post_worker_init(worker):
    if os.environ.get("WEB_WARM_UP", "1") != "0":
        threading.Thread(target=_warm_up, name="search-warm-up", daemon=True).start()


def _warm_up():
    from django.db import connection

    from jiedan.search.selectors import search_warm_up

    log = logging.getLogger("jiedan.ops.server")
    started = time.perf_counter()
    try:
        search_warm_up()
    except Exception:  # the first search loads what is missing, as without this
        log.exception("search warm-up failed")
    else:
        log.info("search warm-up done in %.1f s", time.perf_counter() - started)
    finally:
        connection.close()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
