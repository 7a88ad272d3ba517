"""A live server that speaks websockets: uvicorn serving ``jiedan.config.asgi:application``
in a background thread, on a free port, against the test database.

pytest-django's ``live_server`` is WSGI (no websockets), so journeys that need live events
use ``asgi_live_server`` instead. It needs ``transactional_db``: the server's threads only
see what the test has committed.

On the default in-memory SQLite test database every thread's connection shares one cache,
where a connection that meets another's uncommitted write fails at once ("database table is
locked") instead of waiting. So, on SQLite only, readers read without table locks
(``PRAGMA read_uncommitted``) and the server handles one HTTP request at a time (the only
writers); sockets keep streaming meanwhile. PostgreSQL needs neither.
"""

import asyncio
import os
import socket
import threading
import time
from types import SimpleNamespace

import pytest
import uvicorn
from django.db import connection
from django.db.backends.signals import connection_created

START_TIMEOUT = 10


def _read_without_table_locks(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


def _one_http_request_at_a_time(application):
    lock = asyncio.Lock()

    async def serialised(scope, receive, send):
        if scope["type"] != "http":
            return await application(scope, receive, send)
        async with lock:
            return await application(scope, receive, send)

    return serialised


# A server already running (``make test-prod-local``: the production process layout) instead
# of one inside the test process; see tests/e2e/conftest.py.
EXTERNAL_SERVER = os.environ.get("JIEDAN_E2E_SERVER", "").rstrip("/")


@pytest.fixture
def asgi_live_server(transactional_db):
    if EXTERNAL_SERVER:
        yield SimpleNamespace(url=EXTERNAL_SERVER)
        return
    from jiedan.config.asgi import application

    if connection.vendor == "sqlite":
        connection_created.connect(_read_without_table_locks)
        _read_without_table_locks(None, connection)
        application = _one_http_request_at_a_time(application)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        application, lifespan="off", log_level="warning", ws="websockets-sansio", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the ASGI live server did not start")
        time.sleep(0.05)
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(START_TIMEOUT)
    listener.close()
    if connection_created.disconnect(_read_without_table_locks):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 0")
