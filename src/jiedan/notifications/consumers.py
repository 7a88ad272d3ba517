"""Websocket consumer for a signed-in user's live events (notifications, messages, ...)."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .realtime import user_group

CLOSE_NOT_AUTHENTICATED = 4401


class UserEventsConsumer(AsyncJsonWebsocketConsumer):
    """Joins the user's group; anonymous sockets are closed with code 4401."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"event": "hello", "data": {"user_id": user.pk}})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """Clients may ping to keep the socket alive; anything else is ignored."""
        if content.get("event") == "ping":
            await self.send_json({"event": "pong", "data": {}})

    async def user_event(self, message):
        await self.send_json({"event": message["event"], "data": message["data"]})
