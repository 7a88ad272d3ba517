"""Saved searches API under /api/v1/saved-searches: save a project search, list, change and
delete one's searches, and read their alerts. Every endpoint needs a signed-in caller; another
person's saved search is 404 and nothing changes. Live alerts arrive on the events websocket
as ``saved_search.match``."""

from django.core.paginator import Paginator
from django.utils import timezone
from ninja import Query, Router, Status

from jiedan.projects.selectors import project_filters

from . import selectors, services
from .models import SavedSearch
from .schemas import AlertPageOut, AlertQuery, SavedSearchIn, SavedSearchOut, SavedSearchPatch

router = Router(tags=["saved searches"])
ALERTS_PER_PAGE = 20


def _out(search: SavedSearch) -> dict:
    return {
        "id": search.pk,
        "name": search.name,
        "criteria": search.criteria,
        "email_alerts": search.email_alerts,
        "new_count": search.new_count,
        "alert_count": search.alert_count,
        "browse_url": selectors.browse_url(search.criteria),
        "created_at": search.created_at,
    }


def _read(request, saved_search_id: int) -> dict:
    return _out(selectors.saved_search_of(owner=request.user, saved_search_id=saved_search_id))


@router.get("", response=list[SavedSearchOut])
def saved_search_list(request):
    """The caller's saved searches, newest first (at most 20)."""
    return [_out(search) for search in selectors.saved_searches_of(owner=request.user)]


@router.post("", response={201: SavedSearchOut})
def saved_search_create(request, payload: SavedSearchIn):
    """Save a search. 422 ``saved_search_empty`` without any criterion, or a filter code
    (``unknown_city``, ``budget_range_inverted``…); 409 ``saved_search_exists`` or
    ``saved_search_limit``."""
    criteria = payload.criteria
    filters = project_filters(**criteria.dict(exclude={"q"}), query=criteria.q)
    search = services.saved_search_create(
        owner=request.user, filters=filters, name=payload.name, email_alerts=payload.email_alerts
    )
    return Status(201, _read(request, search.pk))


@router.get("/{saved_search_id}", response=SavedSearchOut)
def saved_search_detail(request, saved_search_id: int):
    return _read(request, saved_search_id)


@router.patch("/{saved_search_id}", response=SavedSearchOut)
def saved_search_update(request, saved_search_id: int, payload: SavedSearchPatch):
    """Rename the search or change how often it e-mails."""
    services.saved_search_update(
        owner=request.user, saved_search_id=saved_search_id, **payload.dict(exclude_unset=True)
    )
    return _read(request, saved_search_id)


@router.delete("/{saved_search_id}", response={204: None})
def saved_search_delete(request, saved_search_id: int):
    services.saved_search_delete(owner=request.user, saved_search_id=saved_search_id)
    return Status(204, None)


@router.get("/{saved_search_id}/alerts", response=AlertPageOut)
def saved_search_alerts(request, saved_search_id: int, query: Query[AlertQuery]):
    """The projects that matched, newest first, 20 a page. Reading does not mark them seen."""
    search = selectors.saved_search_of(owner=request.user, saved_search_id=saved_search_id)
    paginator = Paginator(selectors.saved_search_alerts(saved_search=search), ALERTS_PER_PAGE)
    page = paginator.get_page(query.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": [
            {
                "project_id": alert.project_id,
                "project_title": alert.project.title,
                "project_status": alert.project.status,
                "matched_at": alert.matched_at,
                "seen": alert.seen_at is not None,
            }
            for alert in page.object_list
        ],
    }


@router.post("/{saved_search_id}/alerts/seen", response={204: None})
def saved_search_alerts_seen(request, saved_search_id: int):
    """Mark every alert of the search as seen."""
    selectors.saved_search_of(owner=request.user, saved_search_id=saved_search_id)
    services.saved_search_mark_seen(
        owner=request.user, saved_search_id=saved_search_id, now=timezone.now()
    )
    return Status(204, None)
