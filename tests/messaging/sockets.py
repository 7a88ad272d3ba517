"""A browser's websocket to the real ASGI application, signed in by a real session cookie.

``channels.testing`` needs daphne (not a dependency), so this is the same small client on
asgiref's ``ApplicationCommunicator`` that the notification tests use.
"""

import json

from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.test import Client

ORIGIN = (b"origin", b"http://testserver")
TIMEOUT = 3


def headers_for(user) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [ORIGIN, (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_id}".encode())]


class WebsocketCommunicator(ApplicationCommunicator):
    def __init__(self, application, path, headers=()):
        scope = {"type": "websocket", "path": path, "query_string": b"", "headers": list(headers)}
        super().__init__(application, scope)

    async def connect(self, timeout=TIMEOUT):
        """``(True, None)`` when accepted, ``(False, close code)`` when refused."""
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept", response
        return True, None

    async def send_json_to(self, data):
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout=TIMEOUT):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code=1000, timeout=TIMEOUT):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)
