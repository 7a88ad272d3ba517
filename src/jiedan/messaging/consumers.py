"""Messages over the live socket: ``/ws/messages/`` is the user's events socket (every
``user_event_push`` arrives here too) that can also send messages.

A client sends ``{"event": "message.send", "data": {"conversation_id": 1, "body": "…",
"client_ref": "…"}}``. Each send checks, again, that the socket's session is still valid
and that the user is a member (through ``services.message_send``, which stores the message
before anything is pushed). The sender gets ``message.sent`` (with the message id and the
echoed ``client_ref``) or ``message.error`` (``code``, ``message``, ``client_ref``); every
member, the sender included, then receives ``message.new``.
"""

from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from jiedan.core.errors import DomainError, InvalidInput
from jiedan.notifications.consumers import (
    CLOSE_NOT_AUTHENTICATED,
    UserEventsConsumer,
    session_still_valid,
)

from . import services


@database_sync_to_async
def _send(user_id: int, conversation_id, body) -> dict:
    """Run the send service for the socket's user; a domain error becomes an error reply."""
    try:
        if not isinstance(conversation_id, int) or not isinstance(body, str):
            raise InvalidInput(_("Send a conversation id and a message."), code="invalid_input")
        sender = get_user_model().objects.get(pk=user_id)
        message = services.message_send(sender=sender, conversation_id=conversation_id, body=body)
    except DomainError as error:
        return {
            "event": "message.error",
            "data": {"code": error.code, "message": str(error.message)},
        }
    return {
        "event": "message.sent",
        "data": {"conversation_id": message.conversation_id, "message_id": message.pk},
    }


class MessagingConsumer(UserEventsConsumer):
    """The events socket plus ``message.send``."""

    async def receive_json(self, content, **kwargs):
        if not (isinstance(content, dict) and content.get("event") == "message.send"):
            await super().receive_json(content, **kwargs)
            return
        session_key = getattr(self.scope.get("session"), "session_key", None)
        if not await session_still_valid(session_key, self.user_id):
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        data = content.get("data") if isinstance(content.get("data"), dict) else {}
        reply = await _send(self.user_id, data.get("conversation_id"), data.get("body"))
        reply["data"]["client_ref"] = str(data.get("client_ref", ""))[:64]
        await self.send_json(reply)
