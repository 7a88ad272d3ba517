"""Uploaded files of any kind (images and documents), checked by content, never by name.

``upload_check`` decides what a file is from its bytes: a picture Pillow recognises (see
``images.image_check`` for the pixel and size limits) or a PDF/ZIP document by its magic
number. Anything else is refused. It also fingerprints the bytes (SHA-256), so a stored
file can later be proved unchanged.
"""

import hashlib
import os
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .errors import InvalidInput
from .images import image_check

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENT_TYPES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"PK\x03\x04": ("application/zip", ".zip"),
}
IMAGE_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}


@dataclass(frozen=True)
class CheckedUpload:
    is_image: bool
    content_type: str
    extension: str
    size: int
    sha256: str
    base_name: str  # the original name without folder or extension, safe to reuse

    def stored_name(self) -> str:
        return f"{self.base_name}{self.extension}"


def upload_sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _document_type(upload) -> tuple[str, str] | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, kind in DOCUMENT_TYPES.items():
        if head.startswith(magic):
            return kind
    return None


def upload_base_name(upload) -> str:
    return os.path.splitext(os.path.basename(upload.name or "file"))[0][:80] or "file"


def upload_check(
    upload, *, allow_documents: bool = True, max_document_bytes: int = MAX_DOCUMENT_BYTES
) -> CheckedUpload:
    """Accept a valid image, or (when allowed) a PDF or ZIP within the size limit; otherwise
    raise ``InvalidInput`` and keep nothing."""
    if upload is None or not getattr(upload, "size", 0):
        raise InvalidInput(_("The file is empty."), code="file_empty")
    document = _document_type(upload) if allow_documents else None
    if document is None:
        try:
            checked = image_check(upload)
        except InvalidInput as error:
            if allow_documents and error.code == "image_invalid":
                raise InvalidInput(
                    _("Upload an image (JPEG, PNG, WebP, GIF) or a PDF or ZIP file."),
                    code="file_type",
                ) from error
            raise
        content_type = f"image/{checked.format.lower()}"
        extension = IMAGE_EXTENSIONS[checked.format]
    else:
        if upload.size > max_document_bytes:
            raise InvalidInput(
                _("The file is too large (at most %(mb)s MB).")
                % {"mb": max_document_bytes // (1024 * 1024)},
                code="file_too_large",
            )
        content_type, extension = document
    return CheckedUpload(
        is_image=document is None,
        content_type=content_type,
        extension=extension,
        size=upload.size,
        sha256=upload_sha256(upload),
        base_name=upload_base_name(upload),
    )
