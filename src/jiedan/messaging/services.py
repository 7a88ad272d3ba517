"""Every write in messaging: opening a conversation, sending, reading, blocking, reporting.

Rules:
- Only a conversation's members read or post; anyone else gets ``NotFound`` and nothing
  changes.
- A message is stored first and pushed to the members' live channels after the transaction
  commits (``_tell_members``).
- Before the sender and the other party have a contract (active, paused or completed), a
  message tripping the ``safety`` detectors is still delivered but carries its reasons and
  opens a ``SafetyFlag`` for trust & safety.
- Nobody can message a person who has blocked them (``Conflict``, code ``blocked``).
- A sender may send ``JIEDAN_MESSAGE_SEND_RATE`` messages (and ``JIEDAN_MESSAGE_FILES_RATE``
  messages with files); past that, ``RateLimited`` and nothing is stored.
- Whenever someone's unread total may have changed (a message to them, or their reading),
  their open pages get ``messages.unread`` with the new total, after commit.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.contracts.models import Contract, Milestone, MilestoneStatus
from jiedan.contracts.models import Status as ContractStatus
from jiedan.core.errors import Conflict, InvalidInput, NotFound
from jiedan.core.ratelimit import ratelimit_hit
from jiedan.notifications.kinds import MESSAGE_RECEIVED
from jiedan.notifications.realtime import user_events_push
from jiedan.notifications.services import notification_send, notifications_mark_read_about
from jiedan.trust.hooks import feature_ensure, risk_event

from . import locks, safety, selectors
from .attachments import attachment_store, attachments_check
from .models import (
    BODY_MAX_LENGTH,
    Block,
    Conversation,
    FlagSource,
    FlagStatus,
    MemberRole,
    Membership,
    Message,
    SafetyFlag,
    SharedAs,
)
from .subjects import subject_for_party

PREVIEW_LENGTH = 80
REPORT_REASON = "report"
PAID_MILESTONE_STATUSES = (
    MilestoneStatus.FUNDED,
    MilestoneStatus.SUBMITTED,
    MilestoneStatus.CHANGES_REQUESTED,
    MilestoneStatus.RELEASED,
)
TRUSTED_CONTRACT_STATUSES = (
    ContractStatus.ACTIVE,
    ContractStatus.PAUSED,
    ContractStatus.COMPLETED,
)


def _not_found():
    return NotFound(_("No such conversation."), code="conversation_not_found")


def message_preview(body: str) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= PREVIEW_LENGTH else flat[: PREVIEW_LENGTH - 1] + "…"


@transaction.atomic
def conversation_open_for_subject(*, user, kind: str, subject_id: int) -> Conversation:
    """The conversation about a subject, created (with its parties as members) on first use.
    Only the subject's parties may open it."""
    subject = subject_for_party(kind=kind, subject_id=subject_id, user=user)
    existing = Conversation.objects.filter(subject_kind=subject.kind, subject_id=subject.id)
    if conversation := existing.first():
        return conversation
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                subject_kind=subject.kind, subject_id=subject.id, title=subject.title[:200]
            )
            Membership.objects.bulk_create(
                Membership(conversation=conversation, user_id=pk, role=MemberRole.PARTY)
                for pk in subject.party_ids
            )
    except IntegrityError:  # the other party opened it at the same moment
        return existing.get()
    return conversation


@transaction.atomic
def conversation_mediator_join(*, kind: str, subject_id: int, party, mediator) -> Conversation:
    """Give a dispute's mediator a seat (role ``mediator``) in the conversation about the
    subject, opened on ``party``'s behalf when nobody has yet, so the mediator reads it and
    may export it. The disputes app decides who mediates; a second call changes nothing."""
    conversation = conversation_open_for_subject(user=party, kind=kind, subject_id=subject_id)
    Membership.objects.get_or_create(
        conversation=conversation, user=mediator, defaults={"role": MemberRole.MEDIATOR}
    )
    return conversation


@transaction.atomic
def conversation_mediator_leave(*, kind: str, subject_id: int, mediator) -> None:
    """Take a mediator's seat away (the dispute went to another mediator); a party's seat is
    never touched."""
    Membership.objects.filter(
        conversation__subject_kind=kind,
        conversation__subject_id=subject_id,
        user=mediator,
        role=MemberRole.MEDIATOR,
    ).delete()


def _seat(conversation_id: int, user) -> Membership:
    seat = Membership.objects.filter(conversation_id=conversation_id, user_id=user.pk).first()
    if seat is None:
        raise _not_found()
    return seat


def _ensure_not_blocked(sender_id: int, other_ids: list[int]) -> None:
    pairs = Block.objects.filter(
        Q(blocker_id__in=other_ids, blocked_id=sender_id)
        | Q(blocker_id=sender_id, blocked_id__in=other_ids)
    )
    for block in pairs:
        if block.blocked_id == sender_id:
            raise Conflict(
                _("This person has blocked you, so you cannot message them."), code="blocked"
            )
        raise Conflict(
            _("You blocked this person. Unblock them to send a message."), code="you_blocked"
        )


def contract_between(first_id: int, second_id: int) -> bool:
    """The two people have (or had) a real contract: active, paused or completed."""
    return Contract.objects.filter(
        Q(client_id=first_id, freelancer_id=second_id)
        | Q(client_id=second_id, freelancer_id=first_id),
        status__in=TRUSTED_CONTRACT_STATUSES,
    ).exists()


def _risks(sender_id: int, party_ids: list[int], body: str) -> list[str]:
    """Safety reasons, checked only while the sender lacks a contract with some other party."""
    if all(contract_between(sender_id, other) for other in party_ids):
        return []
    return safety.message_risks(body)


def _clean_body(body: str, *, has_files: bool = False) -> str:
    body = (body or "").strip()
    if not body and not has_files:
        raise InvalidInput(_("Write a message first."), code="message_empty")
    if len(body) > BODY_MAX_LENGTH:
        raise InvalidInput(
            _("A message can have at most %(count)s characters.") % {"count": BODY_MAX_LENGTH},
            code="message_too_long",
        )
    return body


def _tell_members(message: Message, member_ids: list[int]) -> None:
    """Tell every member (the sender's other tabs too) about a new message and their unread
    totals, after commit, and give every member but the sender a "message received"
    notification (e-mailed in batches per conversation, by the notifications app's rules)."""
    data = {
        "conversation_id": message.conversation_id,
        "message_id": message.pk,
        "sender_id": message.sender_id,
        "sender_name": message.sender.get_short_name(),
        "preview": message_preview(
            message.body or " ".join(f.original_name for f in message.attachments.all())
        ),
        "flagged": message.is_flagged,
    }
    user_events_push([(pk, "message.new", data) for pk in member_ids])
    unread_totals_push(member_ids)
    about = {key: data[key] for key in ("conversation_id", "sender_name", "preview")}
    for pk in member_ids:
        notification_send(recipient_id=pk, kind=MESSAGE_RECEIVED, data=about, actor=message.sender)


def _read_by_replying(seat: Membership, message: Message) -> None:
    """Whoever writes has read the conversation: their marker moves to their own message and
    their "message received" notifications about it are read."""
    seat.last_read_id = message.pk
    seat.save(update_fields=["last_read_id"])
    notifications_mark_read_about(
        user_id=seat.user_id,
        kind=MESSAGE_RECEIVED,
        about={"conversation_id": message.conversation_id},
    )


def unread_totals_push(user_ids: list[int]) -> None:
    """After commit, tell each user's open pages their unread message total
    (``messages.unread``), counted then (one query per user)."""
    if not user_ids:
        return

    def push():
        user_events_push(
            [
                (pk, "messages.unread", {"unread_total": selectors.unread_total(user_id=pk)})
                for pk in user_ids
            ]
        )

    transaction.on_commit(push)


def _count_send(sender_id: int, *, with_files: bool) -> None:
    too_fast = _("You are sending messages too fast. Wait a moment and try again.")
    ratelimit_hit(
        scope="messaging.send",
        key=str(sender_id),
        rate=settings.JIEDAN_MESSAGE_SEND_RATE,
        message=too_fast,
    )
    if with_files:
        ratelimit_hit(
            scope="messaging.files",
            key=str(sender_id),
            rate=settings.JIEDAN_MESSAGE_FILES_RATE,
            message=_("You have sent many files this hour. Wait a while before sending more."),
        )


def contract_paid_between(first_id: int, second_id: int) -> bool:
    """Money has gone into escrow on a contract between the two (a milestone funded, in
    review or paid)."""
    return Milestone.objects.filter(
        Q(contract__client_id=first_id, contract__freelancer_id=second_id)
        | Q(contract__client_id=second_id, contract__freelancer_id=first_id),
        status__in=PAID_MILESTONE_STATUSES,
    ).exists()


@transaction.atomic
def message_send(
    *,
    sender,
    conversation_id: int,
    body: str,
    attachments=(),
    shared_as: str = SharedAs.ORIGINAL,
) -> Message:
    """Store a member's message (text, files or both), flag it when the safety rules say so,
    then push it. Images go as ``shared_as`` (watermarked or smaller) only while the sender
    has no paid contract with the other party; after that, always as the original."""
    feature_ensure(sender, "send_messages")
    files = attachments_check(attachments)
    body = _clean_body(body, has_files=bool(files))
    _count_send(sender.pk, with_files=bool(files))
    conversation = locks.conversations().filter(pk=conversation_id).first()
    if conversation is None:
        raise _not_found()
    seats = list(conversation.memberships.all())
    mine = next((seat for seat in seats if seat.user_id == sender.pk), None)
    if mine is None:
        raise _not_found()
    others = [seat.user_id for seat in seats if seat.user_id != sender.pk]
    _ensure_not_blocked(sender.pk, others)
    parties = [s.user_id for s in seats if s.role == MemberRole.PARTY and s.user_id != sender.pk]
    reasons = _risks(sender.pk, parties, body)
    message = Message.objects.create(
        conversation=conversation, sender=sender, body=body, flag_reasons=reasons
    )
    if files and (
        shared_as not in SharedAs.values
        or all(contract_paid_between(sender.pk, other) for other in parties)
    ):
        shared_as = SharedAs.ORIGINAL
    for item in files:
        attachment_store(message=message, item=item, shared_as=shared_as)
    if reasons:
        SafetyFlag.objects.create(
            source=FlagSource.DETECTED, message=message, subject_user=sender, reasons=reasons
        )
        risk_event("message.flagged", sender, {"message_id": message.pk})
    conversation.last_message_at = message.created_at
    conversation.save(update_fields=["last_message_at"])
    _read_by_replying(mine, message)
    _tell_members(message, [seat.user_id for seat in seats])
    return message


@transaction.atomic
def conversation_mark_read(*, reader, conversation_id: int, up_to_id: int | None = None):
    """Move the reader's read marker forward to ``up_to_id`` (default: the newest message).
    It never moves back; the other members are told so the sender can see "read"."""
    seat = _seat(conversation_id, reader)
    newest = (
        Message.objects.filter(conversation_id=conversation_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )
    target = min(up_to_id, newest) if up_to_id is not None else newest
    if target <= seat.last_read_id:
        return seat
    Membership.objects.filter(pk=seat.pk, last_read_id__lt=target).update(last_read_id=target)
    seat.last_read_id = target
    if target == newest:
        notifications_mark_read_about(
            user_id=reader.pk, kind=MESSAGE_RECEIVED, about={"conversation_id": conversation_id}
        )
    others = Membership.objects.filter(conversation_id=conversation_id).exclude(user_id=reader.pk)
    data = {"conversation_id": conversation_id, "reader_id": reader.pk, "last_read_id": target}
    user_events_push(
        [(pk, "message.read", data) for pk in others.values_list("user_id", flat=True)]
    )
    unread_totals_push([reader.pk])
    return seat


def _other_member(user, user_id: int):
    """``user_id`` must share a conversation with ``user``; otherwise ``NotFound``."""
    shared = Membership.objects.filter(
        user_id=user_id,
        conversation__memberships__user_id=user.pk,
    ).exclude(user_id=user.pk)
    if not shared.exists():
        raise NotFound(_("No such person."), code="person_not_found")


@transaction.atomic
def user_block(*, blocker, blocked_id: int) -> Block:
    """Stop someone you have talked with from messaging you. Blocking twice is a no-op."""
    _other_member(blocker, blocked_id)
    block, _created = Block.objects.get_or_create(blocker=blocker, blocked_id=blocked_id)
    return block


@transaction.atomic
def user_unblock(*, blocker, blocked_id: int) -> None:
    Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()


@transaction.atomic
def message_report(*, reporter, message_id: int, note: str = "") -> SafetyFlag:
    """A member reports another member's message: a ``SafetyFlag`` for trust & safety."""
    message = (
        Message.objects.filter(pk=message_id, conversation__memberships__user_id=reporter.pk)
        .exclude(sender_id=reporter.pk)
        .first()
    )
    if message is None:
        raise NotFound(_("No such message."), code="message_not_found")
    return SafetyFlag.objects.create(
        source=FlagSource.REPORTED,
        message=message,
        subject_user_id=message.sender_id,
        reporter=reporter,
        reasons=[REPORT_REASON],
        note=(note or "").strip()[:1000],
    )


@transaction.atomic
def user_report(*, reporter, user_id: int, note: str = "") -> SafetyFlag:
    """A member reports a person they have talked with: a ``SafetyFlag`` for trust & safety."""
    _other_member(reporter, user_id)
    return SafetyFlag.objects.create(
        source=FlagSource.REPORTED,
        subject_user_id=user_id,
        reporter=reporter,
        reasons=[REPORT_REASON],
        note=(note or "").strip()[:1000],
    )


@transaction.atomic
def safety_flags_close(*, flag_ids, resolution: str) -> int:
    """Close open review-queue entries with what was decided (the back office's action)."""
    return SafetyFlag.objects.filter(pk__in=flag_ids, status=FlagStatus.OPEN).update(
        status=FlagStatus.CLOSED, resolution=resolution, closed_at=timezone.now()
    )
