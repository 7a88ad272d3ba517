"""Entries: submitting with checked files, withdrawing, and the client's judging (rating, setting
entries aside and back)."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput, PermissionDenied
from jiedan.core.images import image_watermarked_preview
from jiedan.core.uploads import CheckedUpload, upload_check
from jiedan.notifications.realtime import user_event_push
from jiedan.notifications.services import notification_send

from .. import locks
from ..models import (
    JUDGEABLE_STATUSES,
    MAX_ENTRIES_PER_AUTHOR,
    MAX_FILES_PER_ENTRY,
    MAX_RATING,
    MIN_RATING,
    PUBLIC_STATUSES,
    Contest,
    Entry,
    EntryFile,
    EntryStatus,
)
from ..selectors import entry_count_of_author
from .common import (
    _contest_not_found,
    _entry_not_found,
    _require_user,
    _valid_count,
)

PREVIEW_SIDE = 1200
WATERMARK = "JIEDAN CONTEST PREVIEW"
TITLE_MAX_LENGTH = 120
NOTE_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 1000


def _contest_of_entry(entry_id: int, **contest_filter) -> tuple[Contest, Entry]:
    """Lock the entry's contest (matching ``contest_filter``), then read the entry afresh."""
    contest_id = Entry.objects.filter(pk=entry_id).values_list("contest_id", flat=True).first()
    contest = locks.contests().filter(pk=contest_id, **contest_filter).first()
    entry = contest and Entry.objects.filter(pk=entry_id, contest=contest).first()
    if entry is None:
        raise _entry_not_found()
    return contest, entry


def _judged_entry(client, entry_id: int) -> tuple[Contest, Entry]:
    """An entry (not withdrawn) of one of the client's contests, its contest locked."""
    _require_user(client)
    contest, entry = _contest_of_entry(entry_id, client=client)
    if entry.status == EntryStatus.WITHDRAWN:
        raise _entry_not_found()
    if contest.status not in JUDGEABLE_STATUSES:
        raise Conflict(_("This contest is no longer being judged."), code="contest_not_judging")
    return contest, entry


# --- entries --------------------------------------------------------------------------------


def _entry_text(title: str, note: str) -> tuple[str, str]:
    title, note = title.strip(), note.strip()
    if not title:
        raise InvalidInput(_("Add a title."), code="title_required")
    if len(title) > TITLE_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the title under %(count)s characters.") % {"count": TITLE_MAX_LENGTH},
            code="title_too_long",
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the note under %(count)s characters.") % {"count": NOTE_MAX_LENGTH},
            code="note_too_long",
        )
    return title, note


def _checked_uploads(uploads: Sequence) -> list[tuple[object, CheckedUpload]]:
    uploads = [upload for upload in uploads if upload is not None]
    if not 1 <= len(uploads) <= MAX_FILES_PER_ENTRY:
        raise InvalidInput(
            _("Attach 1 to %(count)s files.") % {"count": MAX_FILES_PER_ENTRY},
            code="entry_file_count",
        )
    return [(upload, upload_check(upload)) for upload in uploads]


def _store_file(entry: Entry, upload, checked: CheckedUpload, position: int) -> EntryFile:
    """Keep the original privately; give images a downscaled, watermarked preview."""
    kind = EntryFile.Kind.IMAGE if checked.is_image else EntryFile.Kind.DOCUMENT
    record = EntryFile(
        entry=entry,
        kind=kind,
        original_name=(upload.name or checked.stored_name())[:200],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        position=position,
    )
    record.original.save(checked.stored_name(), upload, save=False)
    if checked.is_image:
        preview = image_watermarked_preview(
            upload, max_side=PREVIEW_SIDE, text=WATERMARK, name=f"{checked.base_name}-preview.jpg"
        )
        record.preview.save(preview.name, preview, save=False)
    record.save()
    return record


@transaction.atomic
def entry_submit(
    *, author, contest_id: int, title: str, note: str = "", uploads: Sequence, now=None
) -> Entry:
    """Enter an open contest before its deadline with 1 to ``MAX_FILES_PER_ENTRY`` files
    (images, PDF or ZIP, checked by content). The client cannot enter their own contest, and
    one author has at most ``MAX_ENTRIES_PER_AUTHOR`` entries (not withdrawn) in a contest."""
    _require_user(author)
    now = now or timezone.now()
    contest = (
        locks.contests()
        .filter(pk=contest_id, status__in=PUBLIC_STATUSES, client__is_active=True)
        .first()
    )
    if contest is None:
        raise _contest_not_found()
    if contest.client_id == author.pk:
        raise PermissionDenied(_("You cannot enter your own contest."), code="own_contest")
    if not contest.takes_entries(now):
        raise Conflict(_("This contest no longer takes entries."), code="entries_closed")
    if entry_count_of_author(contest=contest, author=author) >= MAX_ENTRIES_PER_AUTHOR:
        raise Conflict(
            _("You can have at most %(count)s entries in one contest.")
            % {"count": MAX_ENTRIES_PER_AUTHOR},
            code="too_many_entries",
        )
    title, note = _entry_text(title, note)
    checked = _checked_uploads(uploads)
    entry = Entry.objects.create(
        contest=contest, author=author, title=title, note=note, submitted_at=now
    )
    for position, (upload, check) in enumerate(checked):
        _store_file(entry, upload, check, position)
    user_event_push(
        user_id=contest.client_id,
        event="contest.entry.submitted",
        data={"contest_id": contest.pk, "entry_id": entry.pk},
    )
    notification_send(
        recipient_id=contest.client_id,
        kind="contest.entry.submitted",
        data={"contest_id": contest.pk, "entry_id": entry.pk, "contest_title": contest.title},
        actor=author,
    )
    return entry


@transaction.atomic
def entry_withdraw(*, author, entry_id: int, now: datetime | None = None) -> Entry:
    """The author takes an entry back before the deadline; it no longer counts or shows to
    the client. After the deadline entries stay, so the client judges a fixed set."""
    _require_user(author)
    contest, entry = _contest_of_entry(entry_id)
    if entry.author_id != author.pk:
        raise _entry_not_found()
    if entry.status == EntryStatus.WITHDRAWN:
        raise Conflict(_("This entry is already withdrawn."), code="entry_withdrawn")
    now = now or timezone.now()
    if not contest.takes_entries(now):
        raise Conflict(
            _("Entries can be withdrawn only before the deadline."), code="entries_closed"
        )
    entry.status, entry.withdrawn_at = EntryStatus.WITHDRAWN, now
    entry.save(update_fields=["status", "withdrawn_at"])
    return entry


@transaction.atomic
def entry_rate(*, client, entry_id: int, rating: int) -> Entry:
    """The client rates an entry 1 to 5 while the contest is open or judging; the rating
    decides the places if the award happens automatically."""
    _contest, entry = _judged_entry(client, entry_id)
    if not isinstance(rating, int) or not MIN_RATING <= rating <= MAX_RATING:
        raise InvalidInput(
            _("Rate from %(min)s to %(max)s.") % {"min": MIN_RATING, "max": MAX_RATING},
            code="bad_rating",
        )
    entry.rating = rating
    entry.save(update_fields=["rating"])
    return entry


@transaction.atomic
def entry_mark_not_valid(*, client, entry_id: int, reason: str) -> Entry:
    """Set an off-brief entry aside with a reason its author sees. It no longer counts for the
    guarantee and cannot win. The last valid entry can never be set aside, open or judging:
    otherwise a client could set every entry aside and take the prize back."""
    contest, entry = _judged_entry(client, entry_id)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the entry is not valid."), code="reason_required")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the reason under %(count)s characters.") % {"count": REASON_MAX_LENGTH},
            code="reason_too_long",
        )
    if entry.status != EntryStatus.SUBMITTED:
        raise Conflict(_("This entry is already marked not valid."), code="entry_not_valid")
    if _valid_count(contest) <= 1:
        raise Conflict(
            _("The prize is guaranteed: the last valid entry cannot be set aside."),
            code="last_valid_entry",
        )
    entry.status, entry.invalid_reason = EntryStatus.NOT_VALID, reason
    entry.save(update_fields=["status", "invalid_reason"])
    user_event_push(
        user_id=entry.author_id,
        event="contest.entry.not_valid",
        data={"contest_id": contest.pk, "entry_id": entry.pk},
    )
    notification_send(
        recipient_id=entry.author_id,
        kind="contest.entry.not_valid",
        data={"contest_id": contest.pk, "entry_id": entry.pk, "contest_title": contest.title},
        actor=client,
    )
    return entry


@transaction.atomic
def entry_mark_valid(*, client, entry_id: int) -> Entry:
    """Undo ``entry_mark_not_valid`` while the contest is open or judging."""
    _contest, entry = _judged_entry(client, entry_id)
    if entry.status != EntryStatus.NOT_VALID:
        raise Conflict(_("This entry is already valid."), code="entry_valid")
    entry.status, entry.invalid_reason = EntryStatus.SUBMITTED, ""
    entry.save(update_fields=["status", "invalid_reason"])
    return entry
