"""Contests API under /api/v1/contests: public browsing, the client's drafts, publishing,
entries (multipart), rating, the award, and the access-checked entry files.

Public reads need no sign-in; entries are shaped by the same visibility rules as the pages.
Writes use the default auth (token or session). Another person's contest or entry is 404 for
every write, and nothing changes. Money moves only through services whose escrow keys are
derived from the contest, so a repeated publish or award is refused and never pays twice.
Publish and award also need an ``Idempotency-Key`` header: a repeat with the same key gets the
first answer again (``jiedan.core.idempotency``).
"""

from typing import Annotated

from django.urls import reverse
from ninja import File, Form, Query, Router, Status, UploadedFile

from jiedan.accounts.api_auth import OPTIONAL_AUTH
from jiedan.core.idempotency import idempotent

from . import selectors, services
from .downloads import original_response, preview_response
from .models import Contest, EntryFile
from .schemas import (
    AwardIn,
    ContestEntryOut,
    ContestIn,
    ContestOut,
    ContestPageOut,
    ContestQuery,
    RatingIn,
)
from .selectors import ContestFilters, VisibleEntry

router = Router(tags=["contests"])


def _summary(contest: Contest) -> dict:
    category = contest.category
    return {
        "id": contest.pk,
        "title": contest.title,
        "client": {"id": contest.client_id, "name": contest.client.get_short_name()},
        "category": category and {"id": category.pk, "slug": category.slug, "name": category.name},
        "currency": contest.currency,
        "prizes": [{"place": p.place, "amount": p.amount} for p in contest.prizes.all()],
        "prize_total": contest.prize_total,
        "entry_deadline": contest.entry_deadline,
        "judging_ends_at": contest.judging_ends_at,
        "entry_visibility": contest.entry_visibility,
        "status": contest.status,
        "published_at": contest.published_at,
        "entry_count": contest.valid_entries,
    }


def _file(record: EntryFile, *, may_download: bool) -> dict:
    def url(name):
        return reverse(f"api-v1:{name}", kwargs={"file_id": record.pk})

    return {
        "id": record.pk,
        "kind": record.kind,
        "name": record.original_name,
        "content_type": record.content_type,
        "size": record.size,
        "preview_url": url("contest_file_preview") if record.preview else None,
        "original_url": url("contest_file_original") if may_download else None,
    }


def _entry(item: VisibleEntry) -> dict:
    entry, private = item.entry, item.shows_private
    return {
        "id": entry.pk,
        "contest_id": entry.contest_id,
        "title": entry.title,
        "author": {"id": entry.author_id, "name": entry.author.get_short_name()},
        "submitted_at": entry.submitted_at,
        "status": entry.status,
        "place": entry.place,
        "rating": entry.rating if private else None,
        "note": entry.note if private else None,
        "invalid_reason": entry.invalid_reason if private else None,
        "files": [_file(f, may_download=item.may_download) for f in entry.files.all()],
    }


def _full(contest: Contest, viewer) -> dict:
    gallery = selectors.entry_gallery(contest=contest, viewer=viewer)
    return {
        **_summary(contest),
        "brief": contest.brief,
        "skills": [
            {"id": skill.pk, "slug": skill.slug, "name": skill.name}
            for skill in contest.skills.all()
        ],
        "judging_days": contest.judging_days,
        "updated_at": contest.updated_at,
        "entries_sealed": gallery.sealed,
        "entries": [_entry(item) for item in gallery.entries],
    }


def _own(request, contest_id: int) -> dict:
    contest = selectors.contest_of_client(client=request.user, contest_id=contest_id)
    return _full(contest, request.user)


def _details(payload: ContestIn) -> services.ContestDetails:
    return services.ContestDetails(**payload.dict())


@router.get("", response=ContestPageOut, auth=None)
def contest_list(request, query: Query[ContestQuery]):
    """Contests open for entries, newest first."""
    filters = ContestFilters(category=query.category)
    page = selectors.contest_page(filters=filters, page=query.page, per_page=query.page_size)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_summary(contest) for contest in page.object_list],
    }


@router.get("/{contest_id}", response=ContestOut, auth=OPTIONAL_AUTH)
def contest_detail(request, contest_id: int):
    """A public contest, or any of the caller's own, with the entries the caller may see."""
    contest = selectors.contest_for_viewer(contest_id=contest_id, viewer=request.user)
    return _full(contest, request.user)


@router.post("", response={201: ContestOut})
def contest_create(request, payload: ContestIn):
    """Create a draft contest."""
    contest = services.contest_create(client=request.user, details=_details(payload))
    return Status(201, _own(request, contest.pk))


@router.put("/{contest_id}", response=ContestOut)
def contest_update(request, contest_id: int, payload: ContestIn):
    """Replace a draft's content."""
    services.contest_update(client=request.user, contest_id=contest_id, details=_details(payload))
    return _own(request, contest_id)


@router.post("/{contest_id}/publish", response=ContestOut)
@idempotent
def contest_publish(request, contest_id: int):
    """Open a complete draft for entries and hold its total prize in escrow."""
    services.contest_publish(client=request.user, contest_id=contest_id)
    return _own(request, contest_id)


@router.post("/{contest_id}/entries", response={201: ContestEntryOut})
def entry_submit(
    request,
    contest_id: int,
    title: Form[str],
    files: Annotated[list[UploadedFile], File(min_length=1)],
    note: Form[str] = "",
):
    """Submit an entry (multipart: ``title``, optional ``note``, 1-5 ``files``)."""
    entry = services.entry_submit(
        author=request.user, contest_id=contest_id, title=title, note=note, uploads=files
    )
    return Status(201, _entry(selectors.visible_entry(entry=entry, viewer=request.user)))


@router.post("/entries/{entry_id}/rate", response=ContestEntryOut)
def entry_rate(request, entry_id: int, payload: RatingIn):
    """The client rates an entry 1 to 5."""
    services.entry_rate(client=request.user, entry_id=entry_id, rating=payload.rating)
    entry = selectors.entry_of_client(client=request.user, entry_id=entry_id)
    return _entry(selectors.visible_entry(entry=entry, viewer=request.user))


@router.post("/{contest_id}/award", response=ContestOut)
@idempotent
def contest_award(request, contest_id: int, payload: AwardIn):
    """Award the places (entry ids in place order) and pay the winners."""
    services.contest_award(client=request.user, contest_id=contest_id, entry_ids=payload.entry_ids)
    return _own(request, contest_id)


@router.get("/files/{file_id}/preview", auth=OPTIONAL_AUTH, url_name="contest_file_preview")
def file_preview(request, file_id: int):
    """An entry file's watermarked preview (JPEG), for whoever may see the entry."""
    record = selectors.entry_file_preview_for(file_id=file_id, viewer=request.user)
    return preview_response(record)


@router.get("/files/{file_id}/original", url_name="contest_file_original")
def file_original(request, file_id: int):
    """An entry file's original: its author, or the client of a winning entry after the
    award."""
    record = selectors.entry_file_original_for(file_id=file_id, viewer=request.user)
    return original_response(record)
