"""Helpers for notification tests: a listener on a person's live group, and sending a
notification with its after-commit work run."""

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from jiedan.notifications.realtime import user_group
from jiedan.notifications.services import notification_send


def listen(user):
    """Join a fresh channel to the user's live group; returns a function giving the events
    delivered to it so far as ``(event, data)``."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(user.pk), channel)

    async def receive_soon():
        return await asyncio.wait_for(layer.receive(channel), timeout=0.2)

    def events() -> list[tuple[str, dict]]:
        received = []
        while True:
            try:
                message = async_to_sync(receive_soon)()
            except TimeoutError:
                return received
            received.append((message["event"], message["data"]))

    return events


def sent(capture, **kwargs):
    """``notification_send`` with the after-commit callbacks run (``capture`` is pytest-django's
    ``django_capture_on_commit_callbacks``)."""
    with capture(execute=True):
        return notification_send(**kwargs)


def contract_data(**extra) -> dict:
    return {"contract_id": 1, "contract_title": "Tea shop website", **extra}
