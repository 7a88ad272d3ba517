"""The archive download shared by the page and the API: never cached, always a ZIP."""

from django.http import FileResponse

from .models import DataExport


def export_response(export: DataExport) -> FileResponse:
    name = export.archive.name.rsplit("/", 1)[-1]
    response = FileResponse(export.archive.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = "application/zip"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
