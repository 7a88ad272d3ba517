"""Messaging pages: the inbox, a conversation (history, older pages, search, a send form that
works as a plain POST), the fragment of newer messages the page's script fetches when told of
new ones, and block/report. Thin: one service or selector call each. A conversation the
viewer is not a member of is a 404 and nothing changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError, NotFound

from . import selectors, services
from .attachments import private_file_response
from .export import conversation_export_response
from .models import SharedAs, SubjectKind


def _or_404(read, **kwargs):
    try:
        return read(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def inbox(request):
    rows = list(selectors.conversations_of_member(user=request.user))
    for row in rows:
        row.others = selectors.other_members(row, request.user)
    return render(request, "messaging/inbox.html", {"conversations": rows})


@login_required
def open_for_subject(request, kind: str, subject_id: int):
    """The "Message" link on a proposal, contract, order or invitation: opens (creating on
    first use) the conversation about it."""
    if kind not in SubjectKind.values:
        raise Http404
    conversation = _or_404(
        services.conversation_open_for_subject, user=request.user, kind=kind, subject_id=subject_id
    )
    return redirect("messaging:conversation", conversation_id=conversation.pk)


def _message_context(conversation, user, rows) -> dict:
    return {
        "conversation": conversation,
        "rows": rows,
        "read_up_to": selectors.read_by_others_up_to(conversation, user),
    }


@login_required
def conversation(request, conversation_id: int):
    """GET shows the newest page (or an older one with ``?before=``, or search hits with
    ``?q=``) and marks it read; POST sends the form's message and comes back here."""
    convo = _or_404(
        selectors.conversation_for_member, user=request.user, conversation_id=conversation_id
    )
    body = ""
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            services.message_send(
                sender=request.user,
                conversation_id=convo.pk,
                body=body,
                attachments=request.FILES.getlist("files"),
                shared_as=request.POST.get("shared_as", SharedAs.ORIGINAL),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return redirect("messaging:conversation", conversation_id=convo.pk)
    query = request.GET.get("q", "").strip()
    before = _int_or_none(request.GET.get("before"))
    if query:
        page, rows = (
            None,
            list(reversed(selectors.messages_search(conversation=convo, query=query))),
        )
    else:
        page = selectors.messages_page(conversation=convo, before=before)
        rows = page.messages
        services.conversation_mark_read(reader=request.user, conversation_id=convo.pk)
    others = selectors.other_members(convo, request.user)
    context = {
        **_message_context(convo, request.user, rows),
        "others": others,
        "blocked": selectors.blocked_among(user=request.user, people=others),
        "can_protect_images": not all(
            services.contract_paid_between(request.user.pk, other.pk) for other in others
        ),
        "shared_as_choices": SharedAs.choices,
        "page": page,
        "query": query,
        "body": body,
        # only the newest page grows live; its script asks for messages after this id
        "live_after": (rows[-1].pk if rows else 0) if page and before is None else None,
    }
    return render(request, "messaging/conversation.html", context)


@login_required
def newer(request, conversation_id: int):
    """The messages after ``?after=`` as list items, for the open page to append (the viewer
    is looking at them, so they count as read), and in ``X-Read-Up-To`` how far the other
    members have read."""
    convo = _or_404(
        selectors.conversation_for_member, user=request.user, conversation_id=conversation_id
    )
    rows = selectors.messages_after(
        conversation=convo, after=_int_or_none(request.GET.get("after")) or 0
    )
    if rows:
        services.conversation_mark_read(
            reader=request.user, conversation_id=convo.pk, up_to_id=rows[-1].pk
        )
    context = _message_context(convo, request.user, rows)
    response = render(request, "messaging/_messages.html", context)
    response["X-Read-Up-To"] = str(context["read_up_to"])
    return response


def _act(request, action, done: str, **kwargs):
    try:
        action(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error
    messages.success(request, done)
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("messaging:inbox")


@login_required
@require_POST
def block(request, user_id: int):
    return _act(
        request,
        services.user_block,
        _("Blocked. They cannot message you any more."),
        blocker=request.user,
        blocked_id=user_id,
    )


@login_required
@require_POST
def unblock(request, user_id: int):
    return _act(
        request,
        services.user_unblock,
        _("Unblocked."),
        blocker=request.user,
        blocked_id=user_id,
    )


@login_required
@require_POST
def report_message(request, message_id: int):
    return _act(
        request,
        services.message_report,
        _("Thank you. Our trust and safety team will review it."),
        reporter=request.user,
        message_id=message_id,
        note=request.POST.get("note", ""),
    )


@login_required
def attachment(request, attachment_id: int):
    """A message's file, as a download, for the conversation's members only."""
    record = _or_404(
        selectors.attachment_for_member, user=request.user, attachment_id=attachment_id
    )
    return private_file_response(
        record.file,
        filename=record.original_name,
        content_type=record.content_type,
        as_attachment=True,
    )


@login_required
def attachment_preview(request, attachment_id: int):
    """The small JPEG preview of an image attachment, for the conversation's members only."""
    record = _or_404(
        selectors.attachment_for_member, user=request.user, attachment_id=attachment_id
    )
    if not record.preview:
        raise Http404
    return private_file_response(
        record.preview, filename="preview.jpg", content_type="image/jpeg", as_attachment=False
    )


@login_required
def export(request, conversation_id: int):
    """The conversation as a CSV download, for its members only."""
    convo = _or_404(
        selectors.conversation_for_member, user=request.user, conversation_id=conversation_id
    )
    return conversation_export_response(convo)
