"""The live channel: /ws/events/ through the real ASGI application and the configured channel
layer (in-memory by default, Redis when ``REDIS_URL`` is set).

pytest-asyncio is not a dependency, so each scenario is one coroutine run with
``async_to_sync``; the sockets live and die inside it. The database work those coroutines do
(session lookup, pushes) runs on the test's thread, so ``transactional_db`` lets real commits
happen and ``on_commit`` fire.

``channels.testing`` cannot be imported without daphne (its live-server helper needs it), so
the socket below is a small websocket client on asgiref's ``ApplicationCommunicator``.
"""

import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from jiedan.config.asgi import application
from jiedan.notifications.consumers import CLOSE_NOT_AUTHENTICATED
from jiedan.notifications.realtime import user_event_push
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/ws/events/"
ORIGIN = (b"origin", b"http://testserver")
TIMEOUT = 3


class Rollback(Exception):
    """Raised to abort a transaction on purpose."""


class WebsocketCommunicator(ApplicationCommunicator):
    """A browser's websocket to the ASGI application, speaking JSON text frames."""

    def __init__(self, application, path, headers=()):
        scope = {"type": "websocket", "path": path, "query_string": b"", "headers": list(headers)}
        super().__init__(application, scope)

    async def connect(self, timeout=1):
        """``(True, None)`` when accepted, ``(False, close code)`` when refused."""
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept", response
        return True, None

    async def send_json_to(self, data):
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout=1):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code=1000, timeout=1):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def run(scenario):
    """Run an async scenario to completion from a synchronous test and return its result."""
    return async_to_sync(scenario)()


async def _open(headers):
    """A socket to /ws/events/ that has been accepted and greeted; the greeting is returned."""
    communicator = WebsocketCommunicator(application, PATH, headers=headers)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    hello = await communicator.receive_json_from(timeout=TIMEOUT)
    return communicator, hello


def test_the_channel_layer_follows_the_configuration():
    # the layer the sockets use is Redis exactly when REDIS_URL is configured
    layer = get_channel_layer()
    expected = "RedisChannelLayer" if settings.REDIS_URL else "InMemoryChannelLayer"
    assert type(layer).__name__ == expected
    if settings.REDIS_URL:
        # and an idle socket's blocking wait for its next message ends before the Redis
        # client's read timeout would fail it
        connection = layer.create_pool(0).make_connection()
        assert connection.socket_timeout > layer.brpop_timeout


def test_anonymous_socket_is_closed_with_4401():
    # given a browser on this site that is not signed in
    async def scenario():
        communicator = WebsocketCommunicator(application, PATH, headers=[ORIGIN])
        # when it opens the events socket
        result = await communicator.connect(timeout=TIMEOUT)
        await communicator.disconnect()
        return result

    # then the socket is refused with the "not authenticated" code
    assert run(scenario) == (False, CLOSE_NOT_AUTHENTICATED)


def test_socket_with_an_unknown_session_is_closed_with_4401():
    # given a cookie naming a session that does not exist
    headers = [ORIGIN, (b"cookie", f"{settings.SESSION_COOKIE_NAME}=forged".encode())]

    async def scenario():
        communicator = WebsocketCommunicator(application, PATH, headers=headers)
        result = await communicator.connect(timeout=TIMEOUT)
        await communicator.disconnect()
        return result

    # then it is treated as anonymous
    assert run(scenario) == (False, CLOSE_NOT_AUTHENTICATED)


@pytest.mark.parametrize(
    "origin", [b"https://evil.example.org", b"http://testserver.evil.example.org", None]
)
def test_socket_from_another_origin_is_refused(socket_headers, origin):
    # given a signed-in user's cookie sent by a page on another site (or with no Origin)
    headers = [h for h in socket_headers(UserFactory()) if h[0] != b"origin"]
    if origin:
        headers.append((b"origin", origin))

    async def scenario():
        communicator = WebsocketCommunicator(application, PATH, headers=headers)
        # when that page opens the events socket
        connected, _ = await communicator.connect(timeout=TIMEOUT)
        await communicator.disconnect()
        return connected

    # then the socket is refused before it reaches the user's events
    assert run(scenario) is False


def test_signed_in_socket_is_greeted_and_answers_ping(socket_headers):
    # given a signed-in user
    user = UserFactory()
    headers = socket_headers(user)

    async def scenario():
        # when their browser opens the events socket and pings it
        communicator, hello = await _open(headers)
        try:
            await communicator.send_json_to({"event": "ping"})
            pong = await communicator.receive_json_from(timeout=TIMEOUT)
            await communicator.send_json_to({"event": "something else"})
            silent = await communicator.receive_nothing(timeout=0.2)
        finally:
            await communicator.disconnect()
        return hello, pong, silent

    hello, pong, silent = run(scenario)
    # then it is greeted with its own id, pongs the ping and ignores anything else
    assert hello == {"event": "hello", "data": {"user_id": user.pk}}
    assert pong == {"event": "pong", "data": {}}
    assert silent is True


def test_pushed_event_reaches_only_its_user_after_commit(socket_headers):
    # given two signed-in users, each with a socket open
    user, stranger = UserFactory(), UserFactory()
    user_headers, stranger_headers = socket_headers(user), socket_headers(stranger)

    def push():
        with transaction.atomic():
            user_event_push(user_id=user.pk, event="notification", data={"text": "你好"})

    async def scenario():
        mine, _ = await _open(user_headers)
        theirs, _ = await _open(stranger_headers)
        try:
            # when domain code pushes an event to the user and its transaction commits
            await sync_to_async(push)()
            received = await mine.receive_json_from(timeout=TIMEOUT)
            stranger_got_nothing = await theirs.receive_nothing(timeout=0.5)
        finally:
            await mine.disconnect()
            await theirs.disconnect()
        return received, stranger_got_nothing

    received, stranger_got_nothing = run(scenario)
    # then the user's socket receives it and the other user's does not
    assert received == {"event": "notification", "data": {"text": "你好"}}
    assert stranger_got_nothing is True


def test_event_reaches_every_open_socket_of_the_user(socket_headers):
    # given a user signed in in two browsers
    user = UserFactory()
    first, second = socket_headers(user), socket_headers(user)

    async def scenario():
        one, _ = await _open(first)
        two, _ = await _open(second)
        try:
            # when an event is pushed to them
            await sync_to_async(user_event_push)(user_id=user.pk, event="message", data={"id": 7})
            return (
                await one.receive_json_from(timeout=TIMEOUT),
                await two.receive_json_from(timeout=TIMEOUT),
            )
        finally:
            await one.disconnect()
            await two.disconnect()

    # then both browsers receive it
    expected = {"event": "message", "data": {"id": 7}}
    assert run(scenario) == (expected, expected)


def test_event_of_a_rolled_back_transaction_is_never_sent(socket_headers):
    # given a signed-in user with a socket open
    user = UserFactory()
    headers = socket_headers(user)

    def push_then_fail():
        try:
            with transaction.atomic():
                user_event_push(user_id=user.pk, event="notification", data={"text": "nope"})
                raise Rollback
        except Rollback:
            pass
        user_event_push(user_id=user.pk, event="notification", data={"text": "kept"})

    async def scenario():
        communicator, _ = await _open(headers)
        try:
            # when one push is rolled back and the next one commits
            await sync_to_async(push_then_fail)()
            first = await communicator.receive_json_from(timeout=TIMEOUT)
            nothing_more = await communicator.receive_nothing(timeout=0.3)
        finally:
            await communicator.disconnect()
        return first, nothing_more

    first, nothing_more = run(scenario)
    # then only the committed event arrives
    assert first == {"event": "notification", "data": {"text": "kept"}}
    assert nothing_more is True


def test_event_waits_for_the_commit(socket_headers):
    # given a signed-in user with a socket open
    user = UserFactory()
    headers = socket_headers(user)
    state = {}

    async def scenario():
        communicator, _ = await _open(headers)
        try:
            # when an event is pushed inside a transaction that has not committed yet
            atomic = transaction.atomic()
            await sync_to_async(atomic.__enter__)()
            await sync_to_async(user_event_push)(
                user_id=user.pk, event="notification", data={"n": 1}
            )
            state["before_commit"] = await communicator.receive_nothing(timeout=0.3)
            # and then the transaction commits
            await sync_to_async(atomic.__exit__)(None, None, None)
            state["after_commit"] = await communicator.receive_json_from(timeout=TIMEOUT)
        finally:
            await communicator.disconnect()

    run(scenario)
    # then nothing is sent before the commit, and the event is sent right after it
    assert state["before_commit"] is True
    assert state["after_commit"] == {"event": "notification", "data": {"n": 1}}


def test_a_socket_left_open_after_signing_out_gets_nothing_more(socket_headers):
    # given a signed-in user with a socket open
    user = UserFactory()
    headers = socket_headers(user)
    cookie = dict(headers)[b"cookie"].decode()
    session_key = cookie.split("=", 1)[1]

    def sign_out_and_push():
        from django.contrib.sessions.models import Session

        Session.objects.filter(session_key=session_key).delete()
        with transaction.atomic():
            user_event_push(user_id=user.pk, event="message", data={"secret": "after logout"})

    async def scenario():
        socket, _ = await _open(headers)
        # when the session ends (sign-out) and an event is pushed
        await sync_to_async(sign_out_and_push)()
        closed = await socket.receive_output(timeout=TIMEOUT)
        await socket.wait(TIMEOUT)
        return closed

    closed = run(scenario)
    # then the socket is closed instead of receiving the event
    assert closed == {"type": "websocket.close", "code": CLOSE_NOT_AUTHENTICATED}


def test_malformed_client_messages_do_not_kill_the_socket(socket_headers):
    user = UserFactory()
    headers = socket_headers(user)

    async def scenario():
        socket, _ = await _open(headers)
        try:
            await socket.send_input({"type": "websocket.receive", "text": "[1, 2]"})
            await socket.send_input({"type": "websocket.receive", "text": "not json"})
            await socket.send_json_to({"event": "ping"})
            return await socket.receive_json_from(timeout=TIMEOUT)
        finally:
            await socket.disconnect()

    assert run(scenario) == {"event": "pong", "data": {}}
