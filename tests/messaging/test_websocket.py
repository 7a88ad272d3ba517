"""Messages over /ws/messages/ through the real ASGI application and channel layer: members
send and everyone in the conversation receives ``message.new``; non-members cannot send and
nothing is stored. Each scenario is one coroutine run with ``async_to_sync``;
``transactional_db`` lets commits happen so pushes (sent after commit) go out."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from jiedan.config.asgi import application
from jiedan.messaging.models import Message
from jiedan.notifications.consumers import CLOSE_NOT_AUTHENTICATED
from tests.factories import UserFactory
from tests.messaging.factories import parties, proposal_conversation, say
from tests.messaging.sockets import ORIGIN, WebsocketCommunicator, headers_for

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/ws/messages/"


async def _open(user_headers):
    socket = WebsocketCommunicator(application, PATH, headers=user_headers)
    connected, _ = await socket.connect()
    assert connected
    hello = await socket.receive_json_from()
    assert hello["event"] == "hello"
    return socket


def test_anonymous_sockets_are_refused():
    async def scenario():
        socket = WebsocketCommunicator(application, PATH, headers=[ORIGIN])
        result = await socket.connect()
        await socket.disconnect()
        return result

    assert async_to_sync(scenario)() == (False, CLOSE_NOT_AUTHENTICATED)


def test_a_members_send_reaches_the_other_member():
    # given a conversation and both members' sockets
    conversation = proposal_conversation()
    client, freelancer = parties(conversation)
    client_headers, freelancer_headers = headers_for(client), headers_for(freelancer)

    async def scenario():
        to_client = await _open(client_headers)
        to_freelancer = await _open(freelancer_headers)
        # when the freelancer sends over the socket
        await to_freelancer.send_json_to(
            {
                "event": "message.send",
                "data": {"conversation_id": conversation.pk, "body": "你好!", "client_ref": "a1"},
            }
        )
        replies = [await to_freelancer.receive_json_from() for _ in range(2)]
        received = await to_client.receive_json_from()
        after = [await to_client.receive_json_from() for _ in range(2)]
        await to_client.disconnect()
        await to_freelancer.disconnect()
        return replies, received, after

    replies, received, after = async_to_sync(scenario)()
    # then it was stored first, acknowledged to the sender and pushed to the client
    message = Message.objects.get()
    assert (message.sender, message.body) == (freelancer, "你好!")
    by_event = {reply["event"]: reply["data"] for reply in replies}
    assert by_event["message.sent"] == {
        "conversation_id": conversation.pk,
        "message_id": message.pk,
        "client_ref": "a1",
    }
    assert by_event["message.new"]["message_id"] == message.pk
    assert received["event"] == "message.new"
    assert received["data"] == {
        "conversation_id": conversation.pk,
        "message_id": message.pk,
        "sender_id": freelancer.pk,
        "sender_name": freelancer.get_short_name(),
        "preview": "你好!",
        "flagged": False,
    }
    # and the client's header learns the new unread total and gets the bell notification
    followed = {event["event"]: event["data"] for event in after}
    assert followed["messages.unread"] == {"unread_total": 1}
    assert followed["notification.new"]["unread_count"] == 2  # with the proposal's


def test_a_non_member_cannot_send_and_nothing_is_stored():
    conversation = proposal_conversation()
    stranger_headers = headers_for(UserFactory())

    async def scenario():
        socket = await _open(stranger_headers)
        await socket.send_json_to(
            {"event": "message.send", "data": {"conversation_id": conversation.pk, "body": "hi"}}
        )
        reply = await socket.receive_json_from()
        await socket.disconnect()
        return reply

    reply = async_to_sync(scenario)()
    assert reply["event"] == "message.error"
    assert reply["data"]["code"] == "conversation_not_found"
    assert Message.objects.count() == 0


def test_a_message_sent_by_form_is_pushed_live_to_the_other_member():
    conversation = proposal_conversation()
    client, freelancer = parties(conversation)
    client_headers = headers_for(client)

    async def scenario():
        socket = await _open(client_headers)
        await sync_to_async(say)(conversation, freelancer, "加我微信 zhang_san88")
        pushed = await socket.receive_json_from()
        await socket.disconnect()
        return pushed

    pushed = async_to_sync(scenario)()
    assert pushed["event"] == "message.new"
    assert pushed["data"]["flagged"] is True


def test_bad_send_frames_get_an_error_and_store_nothing():
    conversation = proposal_conversation()
    client, _freelancer = parties(conversation)
    client_headers = headers_for(client)

    async def scenario():
        socket = await _open(client_headers)
        await socket.send_json_to({"event": "message.send", "data": {"conversation_id": "x"}})
        bad = await socket.receive_json_from()
        await socket.send_json_to(
            {"event": "message.send", "data": {"conversation_id": conversation.pk, "body": " "}}
        )
        empty = await socket.receive_json_from()
        await socket.disconnect()
        return bad, empty

    bad, empty = async_to_sync(scenario)()
    assert (bad["event"], bad["data"]["code"]) == ("message.error", "invalid_input")
    assert (empty["event"], empty["data"]["code"]) == ("message.error", "message_empty")
    assert Message.objects.count() == 0
