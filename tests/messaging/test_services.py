"""Messaging services: conversations per subject, members only, safety flags, read markers,
blocks and reports."""

import pytest

from jiedan.core.errors import Conflict, InvalidInput, NotFound, RateLimited
from jiedan.messaging import selectors, services
from jiedan.messaging.models import (
    Conversation,
    FlagSource,
    FlagStatus,
    Membership,
    Message,
    SafetyFlag,
    SubjectKind,
)
from tests.factories import UserFactory
from tests.messaging.factories import (
    contract_conversation,
    invitation_conversation,
    order_conversation,
    parties,
    say,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "make, kind",
    [
        (contract_conversation, SubjectKind.CONTRACT),
        (order_conversation, SubjectKind.ORDER),
        (invitation_conversation, SubjectKind.INVITATION),
    ],
)
def test_each_subject_opens_one_conversation_for_its_two_parties(make, kind):
    # given a conversation opened by one party
    conversation = make()
    first, second = parties(conversation)
    # when the other party opens the same subject
    again = services.conversation_open_for_subject(
        user=second, kind=kind, subject_id=conversation.subject_id
    )
    # then it is the same conversation, with both parties as members
    assert again.pk == conversation.pk
    assert Conversation.objects.filter(subject_kind=kind).count() == 1
    assert conversation.memberships.count() == 2
    assert {first.pk, second.pk} == set(conversation.memberships.values_list("user", flat=True))


def test_a_stranger_cannot_open_a_subjects_conversation(conversation):
    # when someone who is not a party opens the proposal's conversation
    with pytest.raises(NotFound):
        services.conversation_open_for_subject(
            user=UserFactory(), kind=SubjectKind.PROPOSAL, subject_id=conversation.subject_id
        )
    # then nothing is created for them
    assert Membership.objects.count() == 2


def test_an_unknown_subject_kind_is_not_found(user):
    with pytest.raises(NotFound):
        services.conversation_open_for_subject(user=user, kind="dispute", subject_id=1)
    assert Conversation.objects.count() == 0


def test_a_member_sends_and_the_message_is_stored(conversation):
    client, freelancer = parties(conversation)
    # when the freelancer writes
    message = say(conversation, freelancer, "设计稿周五给你")
    # then it is stored, unflagged, and the conversation moves up the inbox
    assert message.body == "设计稿周五给你"
    assert not message.is_flagged
    conversation.refresh_from_db()
    assert conversation.last_message_at == message.created_at
    # and it counts as unread for the client only
    assert selectors.unread_total(user_id=client.pk) == 1
    assert selectors.unread_total(user_id=freelancer.pk) == 0


def test_a_stranger_cannot_send_and_nothing_changes(conversation):
    # when a stranger posts into the conversation
    with pytest.raises(NotFound):
        say(conversation, UserFactory(), "hello")
    # then no message exists
    assert Message.objects.count() == 0


def test_an_empty_or_too_long_message_is_refused(conversation):
    client, _freelancer = parties(conversation)
    with pytest.raises(InvalidInput):
        say(conversation, client, "   ")
    with pytest.raises(InvalidInput):
        say(conversation, client, "字" * 5001)
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    "body, reasons",
    [
        ("加我微信 zhang_san88 详聊", ["wechat"]),
        ("My number is +86 138 1234 5678", ["phone"]),
        ("Please pay a deposit first by bank transfer", ["off_platform_payment"]),
        ("先付定金，发到 lily@example.com", ["email", "off_platform_payment"]),
    ],
)
def test_contact_details_before_a_contract_are_flagged_and_queued(conversation, body, reasons):
    client, freelancer = parties(conversation)
    # when the freelancer shares contact details before any contract
    message = say(conversation, freelancer, body)
    # then the message is delivered with its reasons and a review entry opens
    assert message.flag_reasons == reasons
    flag = SafetyFlag.objects.get()
    assert (flag.source, flag.status, flag.reasons) == (FlagSource.DETECTED, "open", reasons)
    assert flag.message == message and flag.subject_user == freelancer
    assert selectors.unread_total(user_id=client.pk) == 1


def test_the_same_words_under_an_active_contract_are_not_flagged():
    # given two people with an active contract
    conversation = contract_conversation()
    _client, freelancer = parties(conversation)
    # when one shares a phone number
    message = say(conversation, freelancer, "有急事打我电话 13812345678")
    # then nothing is flagged
    assert message.flag_reasons == []
    assert SafetyFlag.objects.count() == 0


def test_read_markers_move_forward_only(conversation):
    client, freelancer = parties(conversation)
    first = say(conversation, freelancer, "one")
    second = say(conversation, freelancer, "two")
    # when the client reads up to the first message
    services.conversation_mark_read(
        reader=client, conversation_id=conversation.pk, up_to_id=first.pk
    )
    assert selectors.unread_total(user_id=client.pk) == 1
    # and then everything
    seat = services.conversation_mark_read(reader=client, conversation_id=conversation.pk)
    assert seat.last_read_id == second.pk
    # then an older marker does not move it back
    services.conversation_mark_read(
        reader=client, conversation_id=conversation.pk, up_to_id=first.pk
    )
    assert Membership.objects.get(user=client, conversation=conversation).last_read_id == second.pk
    assert selectors.unread_total(user_id=client.pk) == 0
    # and the sender sees it was read
    seen = selectors.conversation_for_member(user=freelancer, conversation_id=conversation.pk)
    assert selectors.read_by_others_up_to(seen, freelancer) == second.pk


def test_a_stranger_cannot_mark_read(conversation):
    with pytest.raises(NotFound):
        services.conversation_mark_read(reader=UserFactory(), conversation_id=conversation.pk)


def test_a_blocked_person_cannot_message_until_unblocked(conversation):
    client, freelancer = parties(conversation)
    # given the client blocked the freelancer
    services.user_block(blocker=client, blocked_id=freelancer.pk)
    # when the freelancer writes, it is refused with a clear code
    with pytest.raises(Conflict) as refused:
        say(conversation, freelancer, "在吗？")
    assert refused.value.code == "blocked"
    # and the blocker is told to unblock first
    with pytest.raises(Conflict) as own:
        say(conversation, client, "hi")
    assert own.value.code == "you_blocked"
    assert Message.objects.count() == 0
    # when unblocked, messages flow again
    services.user_unblock(blocker=client, blocked_id=freelancer.pk)
    assert say(conversation, freelancer, "在吗？").pk


def test_nobody_can_block_a_stranger(conversation):
    client, _ = parties(conversation)
    with pytest.raises(NotFound):
        services.user_block(blocker=client, blocked_id=UserFactory().pk)


def test_reports_queue_a_flag_for_trust_and_safety(conversation):
    client, freelancer = parties(conversation)
    message = say(conversation, freelancer, "hello")
    # when the client reports the message and the person
    services.message_report(reporter=client, message_id=message.pk, note="spam")
    services.user_report(reporter=client, user_id=freelancer.pk, note="rude")
    # then two open reported entries exist
    flags = list(SafetyFlag.objects.order_by("pk"))
    assert [(f.source, f.message_id, f.reporter_id) for f in flags] == [
        (FlagSource.REPORTED, message.pk, client.pk),
        (FlagSource.REPORTED, None, client.pk),
    ]
    # and the back office can close them
    assert services.safety_flags_close(flag_ids=[f.pk for f in flags], resolution="ok") == 2
    assert set(SafetyFlag.objects.values_list("status", flat=True)) == {FlagStatus.CLOSED}


def test_nobody_reports_their_own_or_a_strangers_message(conversation):
    _client, freelancer = parties(conversation)
    message = say(conversation, freelancer, "hello")
    with pytest.raises(NotFound):
        services.message_report(reporter=freelancer, message_id=message.pk)
    with pytest.raises(NotFound):
        services.message_report(reporter=UserFactory(), message_id=message.pk)
    assert SafetyFlag.objects.count() == 0


def test_inbox_shows_last_message_and_unread_counts(conversation):
    client, freelancer = parties(conversation)
    other = contract_conversation(client=client)
    say(conversation, freelancer, "first")
    say(conversation, freelancer, "second")
    say(other, client, "mine")
    # when the client lists the inbox
    rows = list(selectors.conversations_of_member(user=client))
    # then both are there, newest first, with unread counts from others only
    assert [(r.pk, r.last_body, r.unread) for r in rows] == [
        (other.pk, "mine", 0),
        (conversation.pk, "second", 2),
    ]
    assert selectors.unread_total(user_id=client.pk) == 2


def test_history_pages_back_with_a_cursor_and_search_finds_chinese(conversation):
    _client, freelancer = parties(conversation)
    sent = [say(conversation, freelancer, f"第{n}条 Logo 修改") for n in range(5)]
    # the newest page, oldest first, with a cursor to older ones
    page = selectors.messages_page(conversation=conversation, limit=2)
    assert [m.pk for m in page.messages] == [sent[3].pk, sent[4].pk]
    older = selectors.messages_page(conversation=conversation, before=page.older_cursor, limit=3)
    assert [m.pk for m in older.messages] == [m.pk for m in sent[:3]]
    assert older.older_cursor is None
    # search is a case-insensitive substring, Chinese included
    assert [m.pk for m in selectors.messages_search(conversation=conversation, query="第2条")] == [
        sent[2].pk
    ]
    assert len(selectors.messages_search(conversation=conversation, query="logo")) == 5
    assert selectors.messages_after(conversation=conversation, after=sent[3].pk) == [sent[4]]


def test_a_mediator_seat_reads_and_posts_without_changing_read_receipts(conversation):
    # given a mediator seated in the conversation (the seam a dispute will use)
    client, freelancer = parties(conversation)
    mediator = UserFactory()
    Membership.objects.create(conversation=conversation, user=mediator, role="mediator")
    sent = say(conversation, freelancer, "交付了")
    # then the mediator reads and posts like a member
    services.conversation_mark_read(reader=mediator, conversation_id=conversation.pk)
    assert say(conversation, mediator, "我来看一下").pk
    # and only the other party's reading makes the sender's message "read"
    seen = selectors.conversation_for_member(user=freelancer, conversation_id=conversation.pk)
    assert selectors.read_by_others_up_to(seen, freelancer) == 0
    services.conversation_mark_read(reader=client, conversation_id=conversation.pk)
    seen = selectors.conversation_for_member(user=freelancer, conversation_id=conversation.pk)
    assert selectors.read_by_others_up_to(seen, freelancer) > sent.pk


def test_a_sender_past_the_rate_limit_is_refused_and_nothing_is_stored(conversation, settings):
    settings.JIEDAN_MESSAGE_SEND_RATE = "2/60"
    _client, freelancer = parties(conversation)
    say(conversation, freelancer, "one")
    say(conversation, freelancer, "two")
    with pytest.raises(RateLimited) as refused:
        say(conversation, freelancer, "three")
    assert refused.value.retry_after > 0
    assert "too fast" in str(refused.value.message)
    assert list(Message.objects.values_list("body", flat=True).order_by("id")) == ["one", "two"]


def test_the_rate_limit_counts_each_sender_apart(conversation, settings):
    settings.JIEDAN_MESSAGE_SEND_RATE = "1/60"
    client, freelancer = parties(conversation)
    say(conversation, freelancer, "from the freelancer")
    say(conversation, client, "from the client")
    assert Message.objects.count() == 2
