"""The header's two unread figures (bell and messages) come from one query and count only
what is the viewer's and unread."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.messaging.services import conversation_mark_read
from jiedan.notifications.services import notification_send
from jiedan.web.selectors import HeaderCounts, header_counts
from tests.factories import UserFactory
from tests.messaging.factories import parties, proposal_conversation, say
from tests.notifications.helpers import contract_data

pytestmark = pytest.mark.django_db


def test_counts_are_the_viewers_unread_only(django_assert_num_queries):
    # given a client with two unread messages and their notifications, and a bystander
    conversation = proposal_conversation()
    client, freelancer = parties(conversation)
    say(conversation, freelancer, "一")
    say(conversation, freelancer, "two")
    say(conversation, client, "my own message does not count")
    notification_send(recipient_id=client.pk, kind="contract.ended", data=contract_data())
    bystander = UserFactory()
    # then one query gives both figures
    with django_assert_num_queries(1):
        counted = header_counts(user_id=client.pk)
    # replying read the two messages and their notifications; the news of the proposal and
    # of the contract stays unread
    assert counted == HeaderCounts(notifications=2, messages=0)
    assert header_counts(user_id=freelancer.pk) == HeaderCounts(notifications=1, messages=1)
    assert header_counts(user_id=bystander.pk) == HeaderCounts(notifications=0, messages=0)


def test_reading_clears_the_message_figure_and_its_notification():
    conversation = proposal_conversation()
    client, freelancer = parties(conversation)
    say(conversation, freelancer, "hello")
    # (the other notification is the freelancer's proposal)
    assert header_counts(user_id=client.pk) == HeaderCounts(notifications=2, messages=1)
    conversation_mark_read(reader=client, conversation_id=conversation.pk)
    assert header_counts(user_id=client.pk) == HeaderCounts(notifications=1, messages=0)


def test_the_header_shows_both_figures():
    conversation = proposal_conversation()
    client, freelancer = parties(conversation)
    say(conversation, freelancer, "hello")
    browser = Client()
    browser.force_login(client)
    with translation.override("en"):
        html = browser.get(reverse("web:dashboard")).content.decode()
    assert "data-unread-messages>1</span>" in html
    assert "data-unread-count>2</span>" in html  # the message and the proposal
