"""gunicorn settings of the web processes, from the environment:

    gunicorn -c python:jiedan.config.gunicorn jiedan.config.asgi:application

Each worker is uvicorn (HTTP and websockets; ``jiedan.ops.server``). ``WEB_CONCURRENCY``
workers (default: one per core), bound to ``WEB_BIND``; with ``PROMETHEUS_MULTIPROC_DIR``
set, the folder is emptied at start and every worker's metrics are summed at ``/metrics``.
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
worker_class = "jiedan.ops.server.JiedanWorker"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))  # a worker stuck this long is replaced
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (a slow leak never grows without bound); open websockets
# reconnect by themselves.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "10000"))
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


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
