"""A conversation's record for its members to keep: every message as a CSV row with its time
(ISO 8601, UTC), sender, text, safety warnings and attached files with their SHA-256
fingerprints, so a file kept elsewhere can be proved to be the one that was sent."""

import csv
import io
from datetime import UTC

from django.http import HttpResponse

from .models import Conversation, Message

HEADER = ["time_utc", "message_id", "sender", "text", "safety_warnings", "attachments"]


def conversation_export_csv(conversation: Conversation) -> str:
    """The whole conversation, oldest first, as CSV text (UTF-8 with a BOM when written, so
    spreadsheet programs read the Chinese correctly)."""
    rows = (
        Message.objects.filter(conversation=conversation)
        .select_related("sender")
        .prefetch_related("attachments")
        .order_by("id")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for message in rows.iterator(chunk_size=500):
        files = "; ".join(
            f"{file.original_name} sha256:{file.sha256}" for file in message.attachments.all()
        )
        writer.writerow(
            [
                message.created_at.astimezone(UTC).isoformat(),
                message.pk,
                message.sender.get_short_name(),
                message.body,
                ",".join(message.flag_reasons),
                files,
            ]
        )
    return out.getvalue()


def conversation_export_response(conversation: Conversation) -> HttpResponse:
    """The export as a private CSV download (for the web page and the API alike)."""
    response = HttpResponse(
        "\ufeff" + conversation_export_csv(conversation), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="conversation-{conversation.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
