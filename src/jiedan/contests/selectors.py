"""Reads for contests: the public list, a contest page with the entries its viewer may see, the
client's contests and judging board, a freelancer's entries, and the file access checks.

Who sees what:

- A contest that is open, judging, awarded or closed is public; a draft or a cancelled contest
  is seen only by its client. Anything else is "not found", never "forbidden".
- The client sees every entry that is not withdrawn, with its note, rating and previews.
- The author sees their own entries in every status, with the client's rating and, for an
  entry set aside, the reason.
- Everyone else sees the valid entries' titles and watermarked previews when the contest shows
  previews; when it is sealed they see only how many entries there are, until the award.
- Originals: the author, always; the client, only for winning entries once awarded (the win
  transfers them). Nobody else, ever.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound

from .models import (
    BRIEF_MIN_LENGTH,
    MAX_ENTRY_PERIOD,
    MIN_ENTRY_PERIOD,
    PUBLIC_STATUSES,
    Contest,
    ContestStatusChange,
    Entry,
    EntryFile,
    EntryStatus,
    Status,
)

PER_PAGE = 20
_VALID_ENTRIES = Count("entries", filter=Q(entries__status=EntryStatus.SUBMITTED))
# The automatic award's order: the client's highest rating first (unrated last), then the
# earliest submitted.
AWARD_ORDER = (F("rating").desc(nulls_last=True), "submitted_at", "id")


@dataclass(frozen=True)
class ContestFilters:
    category: str | None = None  # a category slug


@dataclass(frozen=True)
class VisibleEntry:
    """An entry as one viewer may see it."""

    entry: Entry
    is_own: bool
    shows_private: bool  # note, rating and the reason it was set aside
    may_download: bool  # the original files


@dataclass(frozen=True)
class Gallery:
    entries: list[VisibleEntry]
    valid_count: int
    sealed: bool  # entries are hidden from this viewer until the award


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def _not_found() -> NotFound:
    return NotFound(_("No such contest."), code="contest_not_found")


def _with_everything(queryset: QuerySet[Contest]) -> QuerySet[Contest]:
    return (
        queryset.select_related("client", "category")
        .prefetch_related("prizes", "skills")
        .annotate(valid_entries=_VALID_ENTRIES)
    )


def contest_list(*, filters: ContestFilters) -> QuerySet[Contest]:
    """Contests open for entries, by an active client, newest first."""
    queryset = _with_everything(Contest.objects.filter(status=Status.OPEN, client__is_active=True))
    if filters.category:
        queryset = queryset.filter(category__slug=filters.category)
    return queryset.order_by("-published_at", "-id")


def contest_page(*, filters: ContestFilters, page: int | str | None, per_page=PER_PAGE) -> Page:
    """One page of ``contest_list``; an out-of-range page number gives the last page."""
    return Paginator(contest_list(filters=filters), per_page).get_page(page)


def contest_for_viewer(*, contest_id: int, viewer) -> Contest:
    """A public contest for everyone, any of their own for the client; otherwise
    ``NotFound``."""
    visible = Q(status__in=PUBLIC_STATUSES, client__is_active=True)
    if _signed_in(viewer):
        visible |= Q(client=viewer)
    contest = _with_everything(Contest.objects.filter(visible, pk=contest_id)).first()
    if contest is None:
        raise _not_found()
    return contest


def contest_of_client(*, client, contest_id: int) -> Contest:
    """One of the client's own contests in any status; another person's id is ``NotFound``."""
    if not _signed_in(client):
        raise _not_found()
    contest = _with_everything(Contest.objects.filter(pk=contest_id, client=client)).first()
    if contest is None:
        raise _not_found()
    return contest


def contests_of_client(*, client) -> QuerySet[Contest]:
    """The client's contests in every status, newest first."""
    return _with_everything(Contest.objects.filter(client=client)).order_by("-created_at", "-id")


def contest_history(*, contest: Contest) -> QuerySet[ContestStatusChange]:
    return contest.status_changes.select_related("actor").order_by("created_at", "id")


def contest_missing_for_publish(*, contest: Contest, now: datetime | None = None) -> list[str]:
    """What must be fixed before publishing (empty when the contest can be published)."""
    now = now or timezone.now()
    missing = []
    if not contest.title.strip():
        missing.append(_("Add a title."))
    if len(contest.brief.strip()) < BRIEF_MIN_LENGTH:
        missing.append(
            _("Describe the brief in at least %(count)s characters.") % {"count": BRIEF_MIN_LENGTH}
        )
    if contest.category_id is None:
        missing.append(_("Choose a category."))
    if not contest.prizes.all():
        missing.append(_("Set the prize for at least the first place."))
    deadline = contest.entry_deadline
    if deadline is None:
        missing.append(_("Set the entry deadline."))
    elif not now + MIN_ENTRY_PERIOD <= deadline <= now + MAX_ENTRY_PERIOD:
        missing.append(
            _("The entry deadline must be between %(min)s and %(max)s days from now.")
            % {"min": MIN_ENTRY_PERIOD.days, "max": MAX_ENTRY_PERIOD.days}
        )
    return missing


def previews_public(contest: Contest) -> bool:
    """Whether people other than the client see the entries (not only their number)."""
    return not contest.is_sealed or contest.status == Status.AWARDED


def may_download_original(*, entry: Entry, viewer) -> bool:
    """The author always; the client only for a winning entry once the contest is awarded."""
    if not _signed_in(viewer):
        return False
    if entry.author_id == viewer.pk:
        return True
    return (
        entry.contest.client_id == viewer.pk
        and entry.place is not None
        and entry.contest.status == Status.AWARDED
    )


def may_see_preview(*, entry: Entry, viewer) -> bool:
    """The author always; the client while the entry is not withdrawn; anyone else a valid
    entry of a public contest whose previews are public."""
    contest = entry.contest
    if _signed_in(viewer):
        if entry.author_id == viewer.pk:
            return True
        if contest.client_id == viewer.pk:
            return entry.status != EntryStatus.WITHDRAWN
    return (
        entry.is_valid
        and contest.status in PUBLIC_STATUSES
        and contest.client.is_active
        and previews_public(contest)
    )


def visible_entry(*, entry: Entry, viewer) -> VisibleEntry:
    """``entry`` as ``viewer`` may see it (the caller has checked that they may see it)."""
    is_own = _signed_in(viewer) and entry.author_id == viewer.pk
    is_client = _signed_in(viewer) and entry.contest.client_id == viewer.pk
    return VisibleEntry(
        entry=entry,
        is_own=is_own,
        shows_private=is_own or is_client,
        may_download=may_download_original(entry=entry, viewer=viewer),
    )


def _entries_with_files(contest: Contest) -> QuerySet[Entry]:
    return contest.entries.select_related("author").prefetch_related("files")


def entries_in_award_order(*, contest: Contest) -> QuerySet[Entry]:
    """Valid entries in the order the automatic award uses: the client's highest rating first
    (unrated last), then the earliest submitted."""
    return contest.entries.filter(status=EntryStatus.SUBMITTED).order_by(*AWARD_ORDER)


def entry_gallery(*, contest: Contest, viewer) -> Gallery:
    """The entries ``viewer`` may see on the contest page (``contest`` comes from
    ``contest_for_viewer``), winners first once awarded."""
    is_client = _signed_in(viewer) and contest.client_id == viewer.pk
    entries = _entries_with_files(contest).order_by(
        F("place").asc(nulls_last=True), "submitted_at", "id"
    )
    if is_client:
        entries = entries.exclude(status=EntryStatus.WITHDRAWN)
    else:
        shown = Q(status=EntryStatus.SUBMITTED) if previews_public(contest) else Q(pk__in=[])
        if _signed_in(viewer):
            shown |= Q(author=viewer) & ~Q(status=EntryStatus.WITHDRAWN)
        entries = entries.filter(shown)
    valid_count = getattr(contest, "valid_entries", None)
    if valid_count is None:
        valid_count = contest.entries.filter(status=EntryStatus.SUBMITTED).count()
    return Gallery(
        entries=[visible_entry(entry=entry, viewer=viewer) for entry in entries],
        valid_count=valid_count,
        sealed=not is_client and not previews_public(contest),
    )


def judging_board(*, contest: Contest) -> list[Entry]:
    """Every entry the client judges: valid ones in automatic-award order, then those set
    aside. Withdrawn entries are gone from the client's view."""
    set_aside_last = Case(When(status=EntryStatus.SUBMITTED, then=Value(0)), default=Value(1))
    entries = _entries_with_files(contest).exclude(status=EntryStatus.WITHDRAWN)
    return list(entries.order_by(set_aside_last, *AWARD_ORDER))


def entries_of_author(*, author) -> QuerySet[Entry]:
    """A freelancer's entries in every status and contest, newest first."""
    return (
        Entry.objects.filter(author=author)
        .select_related("contest")
        .prefetch_related("files", "contest__prizes")
        .order_by("-submitted_at", "-id")
    )


def entry_count_of_author(*, contest: Contest, author) -> int:
    """How many entries (not withdrawn) the author has in the contest."""
    return contest.entries.filter(author=author).exclude(status=EntryStatus.WITHDRAWN).count()


def entry_of_client(*, client, entry_id: int) -> Entry:
    """An entry (not withdrawn) of one of the client's contests; otherwise ``NotFound``."""
    entry = (
        Entry.objects.filter(pk=entry_id, contest__client=client)
        .exclude(status=EntryStatus.WITHDRAWN)
        .first()
        if _signed_in(client)
        else None
    )
    if entry is None:
        raise NotFound(_("No such entry."), code="entry_not_found")
    return entry


def _entry_file(file_id: int) -> EntryFile:
    record = EntryFile.objects.select_related("entry__contest__client").filter(pk=file_id).first()
    if record is None:
        raise NotFound(_("No such file."), code="entry_file_not_found")
    return record


def entry_file_preview_for(*, file_id: int, viewer) -> EntryFile:
    """A file whose watermarked preview ``viewer`` may see; otherwise ``NotFound``."""
    record = _entry_file(file_id)
    if not record.preview or not may_see_preview(entry=record.entry, viewer=viewer):
        raise NotFound(_("No such file."), code="entry_file_not_found")
    return record


def entry_file_original_for(*, file_id: int, viewer) -> EntryFile:
    """A file whose original ``viewer`` may download; otherwise ``NotFound``."""
    record = _entry_file(file_id)
    if not may_download_original(entry=record.entry, viewer=viewer):
        raise NotFound(_("No such file."), code="entry_file_not_found")
    return record
