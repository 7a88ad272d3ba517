"""Websocket consumer for a signed-in user's live events (notifications, messages, ...)."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.sessions.models import Session
from django.utils import timezone

from .realtime import user_group

CLOSE_NOT_AUTHENTICATED = 4401


@database_sync_to_async
def session_still_valid(session_key: str | None, user_id: int) -> bool:
    """The socket's session still exists and belongs to an active user (not signed out)."""
    if not session_key:
        return False
    from django.contrib.auth import get_user_model

    session = Session.objects.filter(session_key=session_key, expire_date__gt=timezone.now())
    active = get_user_model().objects.filter(pk=user_id, is_active=True)
    return session.exists() and active.exists()


class UserEventsConsumer(AsyncJsonWebsocketConsumer):
    """Joins the user's group; anonymous sockets are closed with code 4401.

    Before each event is delivered the session is checked again, so a socket left open after
    signing out (or after the session was revoked or the account deactivated) receives nothing
    more and is closed.
    """

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        self.user_id = user.pk
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"event": "hello", "data": {"user_id": user.pk}})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    @classmethod
    async def decode_json(cls, text_data):
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None

    async def receive_json(self, content, **kwargs):
        """Clients may ping to keep the socket alive; anything else is ignored."""
        if isinstance(content, dict) and content.get("event") == "ping":
            await self.send_json({"event": "pong", "data": {}})

    async def user_event(self, message):
        session_key = getattr(self.scope.get("session"), "session_key", None)
        if not await session_still_valid(session_key, self.user_id):
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        await self.send_json({"event": message["event"], "data": message["data"]})
