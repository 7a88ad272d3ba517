"""Saved-search tests run the background job in-process, as without a broker."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from jiedan.notifications.realtime import user_group


@pytest.fixture
def listen():
    """``listen(user)`` joins a fresh channel to the user's live group and returns a function
    that gives the events delivered to it so far."""
    layer = get_channel_layer()
    async_to_sync(layer.flush)()

    def join(user):
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(user_group(user.pk), channel)

        def events() -> list[dict]:
            received = []
            while True:
                try:
                    message = async_to_sync(_receive_soon)(layer, channel)
                except TimeoutError:
                    return received
                received.append({"event": message["event"], "data": message["data"]})

        return events

    yield join
    async_to_sync(layer.flush)()


async def _receive_soon(layer, channel):
    return await asyncio.wait_for(layer.receive(channel), timeout=0.3)
