"""Serving an evidence file, shared by the web page and the API. The caller has already checked
that the viewer is a party or the assigned mediator (``selectors.evidence_for_viewer``)."""

from django.http import FileResponse

from .models import DisputeEvidence


def evidence_file_response(evidence: DisputeEvidence) -> FileResponse:
    """The file exactly as uploaded, as a private, uncached download the browser must not
    reinterpret as another type."""
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name
    )
    response["Content-Type"] = evidence.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
