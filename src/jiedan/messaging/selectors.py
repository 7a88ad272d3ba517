"""Reads for messaging. Every read starts from the viewer's membership, so a non-member gets
``NotFound`` and learns nothing."""

from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound

from .models import Block, Conversation, MemberRole, Membership, Message, MessageAttachment

PAGE_SIZE = 30
SEARCH_LIMIT = 50


def conversation_for_member(*, user, conversation_id: int) -> Conversation:
    """The conversation with its seats and their people, when ``user`` holds a seat."""
    conversation = (
        Conversation.objects.filter(pk=conversation_id, memberships__user_id=user.pk)
        .prefetch_related(Prefetch("memberships", Membership.objects.select_related("user")))
        .first()
    )
    if conversation is None:
        raise NotFound(_("No such conversation."), code="conversation_not_found")
    return conversation


def conversations_of_member(*, user):
    """The user's conversations, newest activity first, each annotated with ``unread`` (messages
    from others after the user's read marker) and the last message's ``last_body``/``last_id``,
    with the seats prefetched (to name the other party)."""
    mine = Membership.objects.filter(conversation=OuterRef("pk"), user_id=user.pk)
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-id")
    return (
        Conversation.objects.filter(memberships__user_id=user.pk)
        .annotate(
            my_last_read=Subquery(mine.values("last_read_id")[:1]),
            last_id=Subquery(last.values("id")[:1]),
            last_body=Subquery(last.values("body")[:1]),
            last_sender_id=Subquery(last.values("sender_id")[:1]),
        )
        .annotate(
            unread=Coalesce(
                Subquery(
                    Message.objects.filter(
                        conversation=OuterRef("pk"), id__gt=OuterRef("my_last_read")
                    )
                    .exclude(sender_id=user.pk)
                    .values("conversation")
                    .annotate(n=Count("id"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        )
        .prefetch_related(Prefetch("memberships", Membership.objects.select_related("user")))
        .order_by(F("last_message_at").desc(nulls_last=True), "-id")
    )


def unread_messages(*, user_id: int):
    """Messages from others, in all the user's conversations, after the user's read markers."""
    return Message.objects.filter(
        conversation__memberships__user_id=user_id,
        id__gt=F("conversation__memberships__last_read_id"),
    ).exclude(sender_id=user_id)


def unread_total(*, user_id: int) -> int:
    return unread_messages(user_id=user_id).count()


def other_members(conversation: Conversation, user) -> list:
    """The people in the conversation besides ``user`` (needs the seats prefetched)."""
    return [seat.user for seat in conversation.memberships.all() if seat.user_id != user.pk]


def read_by_others_up_to(conversation: Conversation, user) -> int:
    """The newest message id every other party has read (needs the seats prefetched): the
    sender's messages up to it show as "read". A mediator's reading does not count."""
    marks = [
        seat.last_read_id
        for seat in conversation.memberships.all()
        if seat.user_id != user.pk and seat.role == MemberRole.PARTY
    ]
    return min(marks) if marks else 0


def _messages(conversation: Conversation):
    return (
        Message.objects.filter(conversation=conversation)
        .select_related("sender")
        .prefetch_related("attachments")
    )


@dataclass(frozen=True)
class MessagePage:
    messages: list
    older_cursor: int | None  # pass as ``before`` to get the page before this one


def messages_page(
    *, conversation: Conversation, before: int | None = None, limit: int = PAGE_SIZE
) -> MessagePage:
    """The newest ``limit`` messages before ``before`` (all when None), oldest first."""
    rows = _messages(conversation)
    if before is not None:
        rows = rows.filter(id__lt=before)
    newest_first = list(rows.order_by("-id")[: limit + 1])
    has_more = len(newest_first) > limit
    page = list(reversed(newest_first[:limit]))
    return MessagePage(page, page[0].pk if has_more and page else None)


def messages_after(*, conversation: Conversation, after: int, limit: int = 200) -> list:
    """Messages newer than ``after``, oldest first: what a page missed while offline."""
    return list(_messages(conversation).filter(id__gt=after).order_by("id")[:limit])


def messages_search(*, conversation: Conversation, query: str, limit: int = SEARCH_LIMIT):
    """Messages containing ``query`` (case-insensitive substring), newest first."""
    query = (query or "").strip()
    if not query:
        return []
    return list(_messages(conversation).filter(Q(body__icontains=query)).order_by("-id")[:limit])


def blocked_among(*, user, people) -> set[int]:
    """Which of ``people`` the user has blocked."""
    return set(
        Block.objects.filter(blocker_id=user.pk, blocked_id__in=[p.pk for p in people]).values_list(
            "blocked_id", flat=True
        )
    )


def attachment_for_member(*, user, attachment_id: int) -> MessageAttachment:
    """An attachment in one of the user's conversations; otherwise ``NotFound``."""
    attachment = MessageAttachment.objects.filter(
        pk=attachment_id, message__conversation__memberships__user_id=user.pk
    ).first()
    if attachment is None:
        raise NotFound(_("No such file."), code="attachment_not_found")
    return attachment
