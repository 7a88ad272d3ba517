"""Serving a delivered file, shared by the web page and the API. The caller has already checked
that the viewer is one of the contract's parties (``selectors.delivery_file_for_party``)."""

from django.http import FileResponse

from .models import DeliveryFile


def delivery_file_response(delivered: DeliveryFile) -> FileResponse:
    """The file exactly as delivered, as a private, uncached download the browser must not
    reinterpret as another type."""
    response = FileResponse(
        delivered.file.open("rb"), as_attachment=True, filename=delivered.original_name
    )
    response["Content-Type"] = delivered.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
