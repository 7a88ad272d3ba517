"""HTTP answers for entry files, shared by the pages and the API. Callers check access first
(``selectors.entry_file_preview_for`` / ``entry_file_original_for``)."""

from django.http import FileResponse

from .models import EntryFile


def preview_response(record: EntryFile) -> FileResponse:
    """The watermarked JPEG preview, shown inline; cached only by the viewer's browser."""
    response = FileResponse(record.preview.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


def original_response(record: EntryFile) -> FileResponse:
    """The untouched original as a download, never cached."""
    response = FileResponse(
        record.original.open("rb"), as_attachment=True, filename=record.original_name
    )
    response["Content-Type"] = record.content_type
    response["Cache-Control"] = "private, no-store"
    return response
