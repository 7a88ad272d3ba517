"""Sockets to the real ASGI application, signed in through a real session cookie."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.test import Client

ORIGIN = (b"origin", b"http://testserver")


@pytest.fixture(autouse=True)
def _empty_channel_layer():
    """Every test starts with no group membership left over from an earlier test or run."""
    async_to_sync(get_channel_layer().flush)()
    yield
    async_to_sync(get_channel_layer().flush)()


@pytest.fixture
def socket_headers():
    """Headers of a browser on this site signed in as ``user``: its Origin and session cookie."""

    def headers_for(user) -> list[tuple[bytes, bytes]]:
        client = Client()
        client.force_login(user)
        session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookie = f"{settings.SESSION_COOKIE_NAME}={session_id}".encode()
        return [ORIGIN, (b"cookie", cookie)]

    return headers_for
