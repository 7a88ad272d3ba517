"""Saved-search pages: the list of a person's searches, one search's alerts, and the forms to
save (from the project list), change and delete a search. Someone else's saved search is a
404 whatever the id, and nothing changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError, NotFound
from jiedan.projects.forms import ProjectFilterForm
from jiedan.projects.selectors import filters_criteria

from . import selectors, services
from .forms import SavedSearchForm

ALERTS_PER_PAGE = 20


def _own_or_404(request, saved_search_id: int):
    try:
        return selectors.saved_search_of(owner=request.user, saved_search_id=saved_search_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _errors_text(*forms) -> str:
    return " ".join(
        str(message) for form in forms for errors in form.errors.values() for message in errors
    )


def _settings_form(search) -> SavedSearchForm:
    return SavedSearchForm(
        initial={"name": search.name, "email_alerts": search.email_alerts},
        prefix=f"search-{search.pk}",
    )


@login_required
def saved_search_list(request):
    searches = list(selectors.saved_searches_of(owner=request.user))
    names = selectors.Names.for_searches(searches)
    rows = [
        {
            "search": search,
            "summary": selectors.criteria_summary(search.criteria, names),
            "browse_url": selectors.browse_url(search.criteria),
            "form": _settings_form(search),
        }
        for search in searches
    ]
    return render(request, "savedsearches/list.html", {"rows": rows})


@login_required
@require_POST
def saved_search_create(request):
    """Save the criteria posted from the project list (the same field names as its filters)."""
    filter_form = ProjectFilterForm(request.POST)
    form = SavedSearchForm(request.POST)
    filters = filter_form.filters()
    if filters is None or not form.is_valid():
        messages.error(request, _errors_text(filter_form, form))
        return redirect("projects:browse")
    try:
        search = services.saved_search_create(
            owner=request.user,
            filters=filters,
            name=form.cleaned_data["name"],
            email_alerts=form.cleaned_data["email_alerts"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(selectors.browse_url(filters_criteria(filters)))
    messages.success(
        request,
        _("Search saved. New projects matching “%(name)s” will be listed here.")
        % {"name": search.name},
    )
    return redirect("savedsearches:list")


@login_required
def saved_search_detail(request, saved_search_id: int):
    """The search's alerts, newest first; opening the page marks them seen (those new until
    now stay highlighted on this visit)."""
    search = _own_or_404(request, saved_search_id)
    page = Paginator(selectors.saved_search_alerts(saved_search=search), ALERTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)  # read before they are marked seen
    services.saved_search_mark_seen(
        owner=request.user, saved_search_id=search.pk, now=timezone.now()
    )
    names = selectors.Names.for_searches([search])
    context = {
        "search": search,
        "summary": selectors.criteria_summary(search.criteria, names),
        "browse_url": selectors.browse_url(search.criteria),
        "page": page,
    }
    return render(request, "savedsearches/detail.html", context)


@login_required
@require_POST
def saved_search_update(request, saved_search_id: int):
    search = _own_or_404(request, saved_search_id)
    form = SavedSearchForm(request.POST, prefix=f"search-{search.pk}")
    if not form.is_valid():
        messages.error(request, _errors_text(form))
        return redirect("savedsearches:list")
    try:
        services.saved_search_update(
            owner=request.user,
            saved_search_id=search.pk,
            name=form.cleaned_data["name"],
            email_alerts=form.cleaned_data["email_alerts"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved search updated."))
    return redirect("savedsearches:list")


@login_required
@require_POST
def saved_search_delete(request, saved_search_id: int):
    search = _own_or_404(request, saved_search_id)
    services.saved_search_delete(owner=request.user, saved_search_id=search.pk)
    messages.success(request, _("Saved search “%(name)s” deleted.") % {"name": search.name})
    return redirect("savedsearches:list")
