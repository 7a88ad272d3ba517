"""Messaging API under /api/v1/messages: the caller's conversations, opening the conversation
about a subject, history (cursor pages, or only what is newer), sending, marking read and
searching, files. A conversation the caller is not a member of is 404 and nothing changes."""

from typing import Annotated

from django.urls import reverse
from ninja import File, Form, Router, Status, UploadedFile

from . import selectors, services
from .attachments import private_file_response
from .export import conversation_export_response
from .models import SharedAs
from .schemas import (
    BlockOut,
    ConversationListOut,
    ConversationOpenIn,
    ConversationOut,
    MessageOut,
    MessagePageOut,
    MessagingReportIn,
    MessagingReportOut,
    ReadIn,
    ReadOut,
    SendIn,
    UnreadCountOut,
)

router = Router(tags=["messages"])


def _person(user) -> dict:
    return {"id": user.pk, "name": user.get_short_name()}


def _conversation_out(conversation, user) -> dict:
    return {
        "id": conversation.pk,
        "subject_kind": conversation.subject_kind,
        "subject_id": conversation.subject_id,
        "title": conversation.title,
        "others": [_person(p) for p in selectors.other_members(conversation, user)],
        "last_message": getattr(conversation, "last_body", None),
        "last_message_at": conversation.last_message_at,
        "unread": getattr(conversation, "unread", 0),
    }


def _message_out(message, read_up_to: int) -> dict:
    return {
        "id": message.pk,
        "conversation_id": message.conversation_id,
        "sender": _person(message.sender),
        "body": message.body,
        "created_at": message.created_at,
        "flagged": message.is_flagged,
        "flag_reasons": message.flag_reasons,
        "attachments": [
            {
                "id": file.pk,
                "name": file.original_name,
                "content_type": file.content_type,
                "size": file.size,
                "sha256": file.sha256,
                "shared_as": file.shared_as,
                "url": reverse("api-v1:messaging_file", args=[file.pk]),
            }
            for file in message.attachments.all()
        ],
        "read": message.pk <= read_up_to,
    }


def _member_conversation(request, conversation_id: int):
    return selectors.conversation_for_member(user=request.user, conversation_id=conversation_id)


@router.get("/conversations", response=ConversationListOut)
def conversations(request):
    """The caller's conversations, newest activity first (at most 200), with unread counts."""
    rows = selectors.conversations_of_member(user=request.user)[:200]
    return {
        "unread_total": selectors.unread_total(user_id=request.user.pk),
        "results": [_conversation_out(row, request.user) for row in rows],
    }


@router.post("/conversations", response={200: ConversationOut})
def conversation_open(request, payload: ConversationOpenIn):
    """The conversation about a proposal, contract, order or invitation the caller is a party
    to, created on first use."""
    conversation = services.conversation_open_for_subject(
        user=request.user, kind=payload.kind, subject_id=payload.subject_id
    )
    return _conversation_out(_member_conversation(request, conversation.pk), request.user)


@router.get("/conversations/{conversation_id}/messages", response=MessagePageOut)
def messages(request, conversation_id: int, before: int | None = None, after: int | None = None):
    """Without cursors: the newest page, oldest first. ``before``: the page before that id
    (``older_cursor`` of the previous answer). ``after``: everything newer than that id."""
    conversation = _member_conversation(request, conversation_id)
    read_up_to = selectors.read_by_others_up_to(conversation, request.user)
    if after is not None:
        rows, older = selectors.messages_after(conversation=conversation, after=after), None
    else:
        page = selectors.messages_page(conversation=conversation, before=before)
        rows, older = page.messages, page.older_cursor
    return {"results": [_message_out(m, read_up_to) for m in rows], "older_cursor": older}


@router.post("/conversations/{conversation_id}/messages", response={201: MessageOut})
def message_send(request, conversation_id: int, payload: SendIn):
    """Send a message; it is stored, then pushed live to the members as ``message.new``."""
    message = services.message_send(
        sender=request.user, conversation_id=conversation_id, body=payload.body
    )
    return Status(201, _message_out(message, 0))


@router.post("/conversations/{conversation_id}/files", response={201: MessageOut})
def message_send_files(
    request,
    conversation_id: int,
    files: Annotated[list[UploadedFile], File(min_length=1)],
    body: Form[str] = "",
    shared_as: Form[str] = SharedAs.ORIGINAL,
):
    """Send files (multipart ``files``, at most 5) with an optional ``body``. Before the two
    people have a paid contract, images may go as ``watermarked`` or ``downscaled`` copies."""
    message = services.message_send(
        sender=request.user,
        conversation_id=conversation_id,
        body=body,
        attachments=files,
        shared_as=shared_as,
    )
    return Status(201, _message_out(message, 0))


@router.get("/files/{attachment_id}", url_name="messaging_file")
def file_download(request, attachment_id: int):
    """A message's file, for the conversation's members only."""
    record = selectors.attachment_for_member(user=request.user, attachment_id=attachment_id)
    return private_file_response(
        record.file,
        filename=record.original_name,
        content_type=record.content_type,
        as_attachment=True,
    )


@router.get("/unread-count", response=UnreadCountOut)
def unread_count(request):
    """Unread messages from others across the caller's conversations."""
    return {"count": selectors.unread_total(user_id=request.user.pk)}


@router.post("/conversations/{conversation_id}/read", response=ReadOut)
def mark_read(request, conversation_id: int, payload: ReadIn):
    """Mark the conversation read up to ``up_to_id`` (default: everything)."""
    seat = services.conversation_mark_read(
        reader=request.user, conversation_id=conversation_id, up_to_id=payload.up_to_id
    )
    return {
        "conversation_id": conversation_id,
        "last_read_id": seat.last_read_id,
        "unread_total": selectors.unread_total(user_id=request.user.pk),
    }


@router.get("/conversations/{conversation_id}/search", response=list[MessageOut])
def search(request, conversation_id: int, q: str):
    """Messages containing ``q`` (case-insensitive), newest first (at most 50)."""
    conversation = _member_conversation(request, conversation_id)
    read_up_to = selectors.read_by_others_up_to(conversation, request.user)
    hits = selectors.messages_search(conversation=conversation, query=q)
    return [_message_out(m, read_up_to) for m in hits]


@router.post("/people/{user_id}/block", response=BlockOut)
def block(request, user_id: int):
    """Stop someone you have talked with from messaging you (again: nothing changes)."""
    services.user_block(blocker=request.user, blocked_id=user_id)
    return {"user_id": user_id, "blocked": True}


@router.post("/people/{user_id}/unblock", response=BlockOut)
def unblock(request, user_id: int):
    services.user_unblock(blocker=request.user, blocked_id=user_id)
    return {"user_id": user_id, "blocked": False}


@router.post("/people/{user_id}/report", response={201: MessagingReportOut})
def report_person(request, user_id: int, payload: MessagingReportIn):
    """Report someone you have talked with to trust and safety."""
    flag = services.user_report(reporter=request.user, user_id=user_id, note=payload.note)
    return Status(201, {"id": flag.pk, "status": flag.status})


@router.post("/messages/{message_id}/report", response={201: MessagingReportOut})
def report_message(request, message_id: int, payload: MessagingReportIn):
    """Report a message of a conversation you are in to trust and safety."""
    flag = services.message_report(reporter=request.user, message_id=message_id, note=payload.note)
    return Status(201, {"id": flag.pk, "status": flag.status})


@router.get("/conversations/{conversation_id}/export", url_name="messaging_export")
def export(request, conversation_id: int):
    """The conversation as CSV evidence (times, senders, messages, files with SHA-256)."""
    return conversation_export_response(_member_conversation(request, conversation_id))
