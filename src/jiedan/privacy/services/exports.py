"""Data exports: the person asks, a background job writes the ZIP into private storage and
tells them; the archive is theirs to download for ``EXPORT_LIFETIME`` (7 days), then the
periodic job deletes it.

At most one export is being prepared at a time (asking again returns it), and a new one may be
asked for once a day: an archive holds everything, so there is no need for more.
"""

import tempfile
from datetime import timedelta

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict
from jiedan.core.jobs import enqueue_after_commit
from jiedan.notifications.services import notification_send

from ..export import archive_write
from ..models import EXPORT_LIFETIME, DataExport, ExportStatus

REQUEST_INTERVAL = timedelta(days=1)


@transaction.atomic
def data_export_request(*, user, now=None) -> DataExport:
    """Queue an export of everything the platform holds about ``user``."""

    now = now or timezone.now()
    pending = DataExport.objects.filter(user=user, status=ExportStatus.PENDING).first()
    if pending is not None:
        return pending
    recent = DataExport.objects.filter(
        user=user, status=ExportStatus.READY, requested_at__gt=now - REQUEST_INTERVAL
    ).exists()
    if recent:
        raise Conflict(
            _("You asked for an export less than a day ago: download that one."),
            code="export_too_soon",
        )
    export = DataExport.objects.create(user=user)
    enqueue_after_commit("jiedan.privacy.tasks.build_data_export", (export.pk,))
    return export


def data_export_build(*, export_id: int, now=None) -> DataExport | None:
    """Write the archive of a pending export and notify its owner; safe to run again (an
    export that is no longer pending is left alone)."""
    export = DataExport.objects.filter(pk=export_id, status=ExportStatus.PENDING).first()
    if export is None:
        return None
    with tempfile.TemporaryFile() as target:
        archive_write(export.user, target)
        target.seek(0)
        stamp = (now or timezone.now()).strftime("%Y%m%d-%H%M%S")
        export.archive.save(f"jiedan-data-{export.user_id}-{stamp}.zip", File(target), save=False)
    return _mark_ready(export, now=now)


@transaction.atomic
def _mark_ready(export: DataExport, *, now=None) -> DataExport:
    now = now or timezone.now()
    export.status = ExportStatus.READY
    export.size = export.archive.size
    export.ready_at = now
    export.expires_at = now + EXPORT_LIFETIME
    export.save(update_fields=["archive", "status", "size", "ready_at", "expires_at"])
    notification_send(
        recipient_id=export.user_id, kind="privacy.export.ready", data={"export_id": export.pk}
    )
    return export


def data_exports_expire(*, now=None) -> int:
    """Delete the archives of exports past their expiry; returns how many."""
    now = now or timezone.now()
    expired = DataExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now)
    count = 0
    for export in expired.iterator():
        if export.archive:
            export.archive.delete(save=False)
        export.status = ExportStatus.EXPIRED
        export.save(update_fields=["archive", "status"])
        count += 1
    return count
