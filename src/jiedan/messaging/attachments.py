"""Files sent with messages: checked by content (``core.uploads``: images, PDF, ZIP — office
documents are ZIP files), offered to the configured virus scanner, stored privately with a
SHA-256 fingerprint and, for images, a small preview.

The scanner is named by the ``JIEDAN_MESSAGE_SCANNER`` setting (a dotted path to a callable
taking the upload and returning True when it is clean); empty means no scanner. Before the
two people have a paid contract, the sender may share an image as a watermarked or smaller
copy instead of the original.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.http import FileResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import InvalidInput
from jiedan.core.images import (
    image_downscaled,
    image_square_thumbnail,
    image_watermarked_preview,
)
from jiedan.core.uploads import CheckedUpload, upload_check

from .models import MessageAttachment, SharedAs

MAX_FILES = 5
PREVIEW_SIDE = 240
PROTECTED_MAX_SIDE = 800
WATERMARK = "Jiedan 接单 · preview"


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    checked: CheckedUpload


def _scan(upload) -> None:
    path = getattr(settings, "JIEDAN_MESSAGE_SCANNER", "")
    if not path:
        return
    upload.seek(0)
    clean = import_string(path)(upload)
    upload.seek(0)
    if not clean:
        raise InvalidInput(
            _("This file did not pass the virus check, so it was not sent."),
            code="file_infected",
        )


def attachments_check(uploads) -> list[CheckedFile]:
    """Check every upload before anything is stored; any refusal keeps nothing."""
    uploads = [upload for upload in uploads or [] if upload]
    if len(uploads) > MAX_FILES:
        raise InvalidInput(
            _("Attach at most %(count)s files.") % {"count": MAX_FILES}, code="too_many_files"
        )
    checked = [CheckedFile(upload, upload_check(upload)) for upload in uploads]
    for item in checked:
        _scan(item.upload)
    return checked


def _protected_copy(upload, shared_as: str, name: str):
    if shared_as == SharedAs.WATERMARKED:
        return image_watermarked_preview(
            upload, max_side=PROTECTED_MAX_SIDE, text=WATERMARK, name=name
        )
    return image_downscaled(upload, max_side=PROTECTED_MAX_SIDE, name=name)


def attachment_store(*, message, item: CheckedFile, shared_as: str) -> MessageAttachment:
    """Store one checked file on ``message``; ``shared_as`` other than original applies to
    images only (other files are always sent as they are)."""
    checked, upload = item.checked, item.upload
    if not checked.is_image:
        shared_as = SharedAs.ORIGINAL
    record = MessageAttachment(
        message=message,
        original_name=(upload.name or checked.stored_name())[:200],
        shared_as=shared_as,
    )
    if shared_as == SharedAs.ORIGINAL:
        content_type, size, sha256 = checked.content_type, checked.size, checked.sha256
        record.file.save(checked.stored_name(), upload, save=False)
    else:
        copy = _protected_copy(upload, shared_as, f"{checked.base_name}.jpg")
        data = copy.read()
        copy.seek(0)
        content_type, size, sha256 = "image/jpeg", len(data), hashlib.sha256(data).hexdigest()
        record.file.save(copy.name, copy, save=False)
    record.content_type, record.size, record.sha256 = content_type, size, sha256
    if checked.is_image:
        record.file.open("rb")
        try:
            thumb = image_square_thumbnail(
                record.file, side=PREVIEW_SIDE, name=f"{checked.base_name}-preview.jpg"
            )
        finally:
            record.file.close()
        record.preview.save(thumb.name, thumb, save=False)
    record.save()
    return record


def private_file_response(field, *, filename: str, content_type: str, as_attachment: bool):
    """A stored message file for a member: never cached, never sniffed as another type."""
    response = FileResponse(field.open("rb"), as_attachment=as_attachment, filename=filename)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
