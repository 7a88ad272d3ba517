"""The live channel to each signed-in person: one channel-layer group per user.

Domain code pushes with ``user_event_push``; it is sent after the surrounding transaction
commits, so nobody is told about something that was then rolled back. A push is best effort:
when the channel layer is unreachable (Redis stopped) it is logged and dropped, never the
request that caused it; pages show the same state when next loaded.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def user_event_push(*, user_id: int, event: str, data: dict) -> None:
    """Deliver ``{"event": ..., "data": ...}`` to every open socket of the user, after commit."""

    def send():
        async_to_sync(get_channel_layer().group_send)(
            user_group(user_id), {"type": "user.event", "event": event, "data": data}
        )

    transaction.on_commit(send, robust=True)


def user_events_push(events: list[tuple[int, str, dict]]) -> None:
    """Deliver many ``(user_id, event, data)`` at once, after commit, in one pass over the
    channel layer (one event loop for all, instead of one per event)."""
    if not events:
        return

    async def send_all():
        layer = get_channel_layer()
        for user_id, event, data in events:
            await layer.group_send(
                user_group(user_id), {"type": "user.event", "event": event, "data": data}
            )

    def send_all_now():  # Django logs a failed callback by its __qualname__ (AsyncToSync has none)
        async_to_sync(send_all)()

    transaction.on_commit(send_all_now, robust=True)
