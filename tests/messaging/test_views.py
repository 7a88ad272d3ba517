"""Messaging pages in both languages: inbox, conversation (history, older pages, search,
plain-POST sending, safety warnings, read receipts), the newer-messages fragment, "Message"
links, block and report. Non-members get 404 and nothing changes."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.messaging.models import Block, Conversation, Message, SafetyFlag, SubjectKind
from tests.contracts.factories import active_contract
from tests.factories import UserFactory
from tests.messaging.factories import (
    contract_conversation,
    invitation_conversation,
    order_conversation,
    parties,
    say,
)

pytestmark = pytest.mark.django_db


def signed_in(user, lang="en") -> Client:
    web = Client(HTTP_ACCEPT_LANGUAGE=lang)
    web.force_login(user)
    return web


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


@pytest.mark.parametrize(
    "lang, heading, empty", [("en", "Messages", "No conversations yet"), ("zh-hans", "消息", "")]
)
def test_inbox_lists_conversations_with_unread_counts(
    conversation, django_assert_max_num_queries, lang, heading, empty
):
    client, freelancer = parties(conversation)
    for n in range(3):
        say(conversation, freelancer, f"message {n}")
    contract_conversation(client=client)
    web = signed_in(client, lang)
    # when the client opens the inbox
    with django_assert_max_num_queries(8):
        page = web.get(url("messaging:inbox", lang=lang))
    # then it lists both conversations: other party, subject, last message, unread count
    html = page.content.decode()
    assert page.status_code == 200 and heading in html
    assert freelancer.get_short_name() in html and conversation.title in html
    assert "message 2" in html
    assert '<span class="badge"' in html and ">3</span>" in html


def test_conversation_page_shows_history_and_marks_it_read(
    conversation, django_assert_max_num_queries, settings
):
    settings.JIEDAN_MESSAGE_SEND_RATE = "100/60"  # a long history, written in one go
    client, freelancer = parties(conversation)
    sent = [say(conversation, freelancer, f"第{n}条") for n in range(35)]
    web = signed_in(client)
    with django_assert_max_num_queries(16):
        page = web.get(url("messaging:conversation", conversation.pk))
    html = page.content.decode()
    # the newest 30, a link to older ones, a send form that works without JavaScript
    assert "第34条" in html and "第4条" not in html
    assert f"?before={sent[5].pk}" in html
    assert 'method="post"' in html and 'name="body"' in html
    # and it is now read
    assert client.conversation_seats.get().last_read_id == sent[-1].pk
    older = web.get(url("messaging:conversation", conversation.pk), {"before": sent[5].pk})
    assert "第4条" in older.content.decode() and "第5条" not in older.content.decode()


def test_send_by_plain_post_and_the_sender_sees_read(conversation):
    client, freelancer = parties(conversation)
    web = signed_in(freelancer)
    # when the freelancer posts the form
    response = web.post(url("messaging:conversation", conversation.pk), {"body": "Hello 你好"})
    # then it is stored and the page comes back
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.sender, message.body) == (freelancer, "Hello 你好")
    assert 'data-read="no"' in web.get(response.url).content.decode()
    # when the client reads it, the sender sees "Read"
    signed_in(client).get(url("messaging:conversation", conversation.pk))
    assert 'data-read="yes">Read<' in web.get(response.url).content.decode()


@pytest.mark.parametrize("lang, warning", [("en", "Be careful"), ("zh-hans", 'lang="zh-hans"')])
def test_a_flagged_message_warns_the_recipient_only(conversation, lang, warning):
    client, freelancer = parties(conversation)
    say(conversation, freelancer, "加我微信 zhang_san88，先付定金")
    recipient_view = signed_in(client, lang).get(
        url("messaging:conversation", conversation.pk, lang=lang)
    )
    sender_view = signed_in(freelancer, lang).get(
        url("messaging:conversation", conversation.pk, lang=lang)
    )
    assert warning in recipient_view.content.decode()
    assert 'class="notice notice-warning safety-warning"' in recipient_view.content.decode()
    assert "safety-warning" not in sender_view.content.decode()
    assert SafetyFlag.objects.count() == 1


def test_search_finds_messages_case_insensitively(conversation):
    client, freelancer = parties(conversation)
    say(conversation, freelancer, "The LOGO is ready")
    say(conversation, freelancer, "首页横幅已更新")
    web = signed_in(client)
    hits = web.get(url("messaging:conversation", conversation.pk), {"q": "logo"}).content.decode()
    assert "The LOGO is ready" in hits and "首页横幅" not in hits
    chinese = web.get(
        url("messaging:conversation", conversation.pk), {"q": "横幅"}
    ).content.decode()
    assert "首页横幅已更新" in chinese and "LOGO" not in chinese


def test_newer_fragment_returns_only_what_was_missed(conversation):
    client, freelancer = parties(conversation)
    first = say(conversation, freelancer, "first")
    say(conversation, freelancer, "second")
    fragment = signed_in(client).get(url("messaging:newer", conversation.pk), {"after": first.pk})
    html = fragment.content.decode()
    assert "second" in html and "first" not in html
    assert client.conversation_seats.get().last_read_id > first.pk


def test_message_link_opens_the_subjects_conversation_once(conversation):
    client, _ = parties(conversation)
    web = signed_in(client)
    link = url("messaging:open", SubjectKind.PROPOSAL, conversation.subject_id)
    assert web.get(link).url == url("messaging:conversation", conversation.pk)
    assert web.get(link).url == url("messaging:conversation", conversation.pk)
    assert Conversation.objects.count() == 1


def test_a_new_subject_conversation_is_created_on_first_use():
    contract = active_contract()
    response = signed_in(contract.freelancer).get(url("messaging:open", "contract", contract.pk))
    created = Conversation.objects.get()
    assert response.url == url("messaging:conversation", created.pk)
    assert created.memberships.count() == 2


def test_strangers_get_404_everywhere_and_nothing_changes(conversation):
    _client, freelancer = parties(conversation)
    message = say(conversation, freelancer, "hello")
    web = signed_in(UserFactory())
    assert web.get(url("messaging:conversation", conversation.pk)).status_code == 404
    assert (
        web.post(url("messaging:conversation", conversation.pk), {"body": "x"}).status_code == 404
    )
    assert web.get(url("messaging:newer", conversation.pk), {"after": 0}).status_code == 404
    assert web.get(url("messaging:open", "proposal", conversation.subject_id)).status_code == 404
    assert web.post(url("messaging:report", message.pk)).status_code == 404
    assert web.post(url("messaging:block", freelancer.pk)).status_code == 404
    assert Message.objects.count() == 1
    assert SafetyFlag.objects.count() == 0 and Block.objects.count() == 0
    assert Conversation.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(conversation):
    response = Client().get(url("messaging:conversation", conversation.pk))
    assert response.status_code == 302 and "login" in response.url


def test_block_unblock_and_report_from_the_page(conversation):
    client, freelancer = parties(conversation)
    message = say(conversation, freelancer, "spam spam")
    web = signed_in(client)
    back = url("messaging:conversation", conversation.pk)
    # report the message
    assert web.post(url("messaging:report", message.pk), {"next": back}).url == back
    assert SafetyFlag.objects.get().reporter == client
    # block: the freelancer's next message is refused with a clear message
    web.post(url("messaging:block", freelancer.pk), {"next": back})
    refused = signed_in(freelancer).post(back, {"body": "在吗"}, follow=True)
    assert "has blocked you" in refused.content.decode()
    assert Message.objects.count() == 1
    # unblock: the page offers it, and messages flow again
    assert "Unblock" in web.get(back).content.decode()
    web.post(url("messaging:unblock", freelancer.pk), {"next": "https://evil.example.org/"})
    signed_in(freelancer).post(back, {"body": "在吗"})
    assert Message.objects.count() == 2


def test_proposal_contract_order_and_invitation_pages_link_to_their_conversation():
    contract = active_contract()
    order = order_conversation()
    invitation = invitation_conversation()
    proposal_id = contract.source_id  # the hired proposal the contract started from
    pages = [
        (contract.client, url("contracts:detail", contract.pk), ("contract", contract.pk)),
        (contract.client, url("proposals:detail", proposal_id), ("proposal", proposal_id)),
        (
            parties(order)[0],
            url("catalog:order_detail", order.subject_id),
            ("order", order.subject_id),
        ),
        (parties(invitation)[1], url("proposals:mine"), ("invitation", invitation.subject_id)),
    ]
    for viewer, page, (kind, subject_id) in pages:
        html = signed_in(viewer).get(page).content.decode()
        assert url("messaging:open", kind, subject_id) in html, page
