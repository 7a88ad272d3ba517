"""A notification reaches its recipient's open socket, through the real ASGI application,
once the transaction commits; nobody else's socket hears of it."""

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction

from jiedan.notifications.services import (
    notification_mark_read,
    notification_send,
    notifications_mark_all_read,
)
from tests.factories import UserFactory

from .helpers import contract_data
from .test_realtime import TIMEOUT, _open, run

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_notification_reaches_the_recipients_socket(socket_headers):
    # given two signed-in people, each with the events socket open
    recipient, stranger = UserFactory(language="en"), UserFactory()
    mine, theirs = socket_headers(recipient), socket_headers(stranger)

    def send():
        with transaction.atomic():
            return notification_send(
                recipient_id=recipient.pk, kind="contract.ended", data=contract_data()
            )

    async def scenario():
        recipient_socket, _ = await _open(mine)
        stranger_socket, _ = await _open(theirs)
        try:
            # when a notification is sent to the recipient and its transaction commits
            notification = await sync_to_async(send)()
            received = await recipient_socket.receive_json_from(timeout=TIMEOUT)
            stranger_heard_nothing = await stranger_socket.receive_nothing(timeout=0.5)
        finally:
            await recipient_socket.disconnect()
            await stranger_socket.disconnect()
        return notification, received, stranger_heard_nothing

    notification, received, stranger_heard_nothing = run(scenario)
    # then the recipient's socket gets "notification.new" with text, link and count
    assert received == {
        "event": "notification.new",
        "data": {
            "id": notification.pk,
            "kind": "contract.ended",
            "text": "The contract “Tea shop website” has ended",
            "url": "/en/contracts/1/",
            "unread_count": 1,
        },
    }
    assert stranger_heard_nothing is True


def test_reading_elsewhere_pushes_the_new_count(socket_headers):
    # given a person with two unread notifications and a page open
    recipient = UserFactory(language="en")
    first, _second = (
        notification_send(recipient_id=recipient.pk, kind="contract.ended", data=contract_data())
        for _ in range(2)
    )
    headers = socket_headers(recipient)

    async def scenario():
        socket, _ = await _open(headers)
        try:
            # when one is read on another page, then all of them
            await sync_to_async(notification_mark_read)(user=recipient, notification_id=first.pk)
            after_one = await socket.receive_json_from(timeout=TIMEOUT)
            await sync_to_async(notifications_mark_all_read)(user=recipient)
            after_all = await socket.receive_json_from(timeout=TIMEOUT)
            # reading again changes nothing and pushes nothing
            await sync_to_async(notifications_mark_all_read)(user=recipient)
            quiet = await socket.receive_nothing(timeout=0.5)
        finally:
            await socket.disconnect()
        return after_one, after_all, quiet

    after_one, after_all, quiet = run(scenario)
    # then the open page's bell follows
    assert after_one == {"event": "notifications.unread", "data": {"unread_count": 1}}
    assert after_all == {"event": "notifications.unread", "data": {"unread_count": 0}}
    assert quiet is True
