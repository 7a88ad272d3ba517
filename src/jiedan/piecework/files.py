"""Serving a piece's original file, shared by the web page and the API. The caller has already
checked that the viewer is the piece's author or the task's client."""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound

from .models import Piece


def piece_file_response(piece: Piece) -> FileResponse:
    """The untouched original as a private, uncached download."""
    if not piece.file:
        raise NotFound(_("This piece has no file."), code="piece_file_not_found")
    response = FileResponse(piece.file.open("rb"), as_attachment=True, filename=piece.file_name)
    response["Content-Type"] = piece.file_type
    response["Cache-Control"] = "private, no-store"
    return response
