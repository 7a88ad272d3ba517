"""Contest pages: browse, a contest with its entries and the entry form, the client's contests,
the draft form, publish, the judging board and the award, a freelancer's entries, and the
access-checked file views. Thin: form in, one service or selector call, template out. Someone
else's contest, entry or file is a 404 whatever the id, and nothing changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError, NotFound

from . import selectors, services
from .downloads import original_response, preview_response
from .forms import AwardForm, ContestFilterForm, ContestForm, EntryForm, RatingForm
from .models import (
    AUTO_AWARD_RULE,
    MAX_ENTRIES_PER_AUTHOR,
    MAX_RATING,
    MIN_RATING,
    Contest,
)


def _or_404(read, **kwargs):
    try:
        return read(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error


def browse(request):
    form = ContestFilterForm(request.GET)
    page = selectors.contest_page(filters=form.filters(), page=request.GET.get("page"))
    return render(request, "contests/browse.html", {"form": form, "page": page})


def _entry_slots(contest: Contest, user) -> int:
    """How many more entries ``user`` may submit now (0 when they cannot enter)."""
    if not user.is_authenticated or user.pk == contest.client_id:
        return 0
    if not contest.is_taking_entries:
        return 0
    used = selectors.entry_count_of_author(contest=contest, author=user)
    return max(MAX_ENTRIES_PER_AUTHOR - used, 0)


def _render_detail(request, contest: Contest, entry_form: EntryForm | None = None):
    is_owner = request.user.pk == contest.client_id
    slots = _entry_slots(contest, request.user)
    context = {
        "contest": contest,
        "is_owner": is_owner,
        "gallery": selectors.entry_gallery(contest=contest, viewer=request.user),
        "history": selectors.contest_history(contest=contest) if is_owner else [],
        "entry_slots": slots,
        "entry_form": (entry_form or EntryForm()) if slots else None,
        "auto_award_rule": AUTO_AWARD_RULE,
    }
    return render(request, "contests/detail.html", context)


def detail(request, contest_id: int):
    contest = _or_404(selectors.contest_for_viewer, contest_id=contest_id, viewer=request.user)
    return _render_detail(request, contest)


@login_required
@require_POST
def submit_entry(request, contest_id: int):
    contest = _or_404(selectors.contest_for_viewer, contest_id=contest_id, viewer=request.user)
    form = EntryForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.entry_submit(
                author=request.user,
                contest_id=contest.pk,
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
                uploads=form.cleaned_data["files"],
            )
        except DomainError as error:
            form.add_error_message(error.message)
        else:
            messages.success(request, _("Your entry is submitted."))
            return redirect("contests:detail", contest_id=contest.pk)
    return _render_detail(request, contest, entry_form=form)


@login_required
def mine(request):
    contests = selectors.contests_of_client(client=request.user)
    return render(request, "contests/mine.html", {"contests": contests})


@login_required
def my_entries(request):
    entries = selectors.entries_of_author(author=request.user)
    return render(request, "contests/my_entries.html", {"entries": entries})


@login_required
def edit(request, contest_id: int | None = None):
    """Start a contest (no id) or edit one of the user's own drafts."""
    contest = None
    if contest_id is not None:
        contest = _or_404(selectors.contest_of_client, client=request.user, contest_id=contest_id)
    form = ContestForm.for_contest(request.POST or None, contest=contest)
    if request.method == "POST" and form.is_valid():
        try:
            if contest is None:
                contest = services.contest_create(client=request.user, details=form.details())
            else:
                services.contest_update(
                    client=request.user, contest_id=contest.pk, details=form.details()
                )
        except DomainError as error:
            form.add_error_message(error.message)
        else:
            messages.success(request, _("Your contest is saved."))
            return redirect("contests:publish", contest_id=contest.pk)
    return render(request, "contests/edit.html", {"form": form, "contest": contest})


@login_required
def publish(request, contest_id: int):
    """GET: the contest as freelancers will see it, what is missing, and the amount that goes
    into escrow. POST: publish it."""
    contest = _or_404(selectors.contest_of_client, client=request.user, contest_id=contest_id)
    if request.method == "POST":
        try:
            services.contest_publish(client=request.user, contest_id=contest.pk)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your contest is published and its prize is in escrow."))
            return redirect("contests:detail", contest_id=contest.pk)
    context = {
        "contest": contest,
        "missing": selectors.contest_missing_for_publish(contest=contest),
        "auto_award_rule": AUTO_AWARD_RULE,
    }
    return render(request, "contests/publish.html", context)


@login_required
@require_POST
def cancel(request, contest_id: int):
    try:
        services.contest_cancel(
            client=request.user, contest_id=contest_id, reason=request.POST.get("reason", "")
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your contest is cancelled; anything held is returned."))
    return redirect("contests:mine")


@login_required
def judge(request, contest_id: int):
    """The client's judging board: rate entries, set off-brief ones aside, award the places."""
    contest = _or_404(selectors.contest_of_client, client=request.user, contest_id=contest_id)
    entries = selectors.judging_board(contest=contest)
    valid = [entry for entry in entries if entry.is_valid]
    context = {
        "contest": contest,
        "entries": entries,
        "award_form": AwardForm(places=len(contest.prizes.all()), entries=valid),
        "ratings": range(MIN_RATING, MAX_RATING + 1),
        "auto_award_rule": AUTO_AWARD_RULE,
    }
    return render(request, "contests/judge.html", context)


def _judging_action(request, contest_id: int, action, done_message: str):
    """Run one judging service; an unknown id is a 404, a refusal a message on the board."""
    try:
        action()
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done_message)
    return redirect("contests:judge", contest_id=contest_id)


def _entry_contest_id(request, entry_id: int) -> int:
    return _or_404(selectors.entry_of_client, client=request.user, entry_id=entry_id).contest_id


@login_required
@require_POST
def rate(request, entry_id: int):
    contest_id = _entry_contest_id(request, entry_id)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5."))
        return redirect("contests:judge", contest_id=contest_id)
    return _judging_action(
        request,
        contest_id,
        lambda: services.entry_rate(
            client=request.user, entry_id=entry_id, rating=form.cleaned_data["rating"]
        ),
        _("Rating saved."),
    )


@login_required
@require_POST
def mark_not_valid(request, entry_id: int):
    contest_id = _entry_contest_id(request, entry_id)
    return _judging_action(
        request,
        contest_id,
        lambda: services.entry_mark_not_valid(
            client=request.user, entry_id=entry_id, reason=request.POST.get("reason", "")
        ),
        _("The entry is marked not valid; its author sees your reason."),
    )


@login_required
@require_POST
def mark_valid(request, entry_id: int):
    contest_id = _entry_contest_id(request, entry_id)
    return _judging_action(
        request,
        contest_id,
        lambda: services.entry_mark_valid(client=request.user, entry_id=entry_id),
        _("The entry is valid again."),
    )


@login_required
@require_POST
def award(request, contest_id: int):
    contest = _or_404(selectors.contest_of_client, client=request.user, contest_id=contest_id)
    valid = [entry for entry in selectors.judging_board(contest=contest) if entry.is_valid]
    form = AwardForm(request.POST, places=len(contest.prizes.all()), entries=valid)
    if not form.is_valid():
        messages.error(request, _("Choose an entry for every place."))
        return redirect("contests:judge", contest_id=contest.pk)
    try:
        services.contest_award(
            client=request.user, contest_id=contest.pk, entry_ids=form.entry_ids()
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("contests:judge", contest_id=contest.pk)
    messages.success(request, _("The prizes are awarded and paid to the winners."))
    return redirect("contests:detail", contest_id=contest.pk)


@login_required
@require_POST
def withdraw(request, entry_id: int):
    try:
        services.entry_withdraw(author=request.user, entry_id=entry_id)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your entry is withdrawn."))
    return redirect("contests:my_entries")


def file_preview(request, file_id: int):
    """The watermarked preview, for whoever may see the entry (see ``selectors``)."""
    record = _or_404(selectors.entry_file_preview_for, file_id=file_id, viewer=request.user)
    return preview_response(record)


@login_required
def file_original(request, file_id: int):
    """The untouched original: its author, or the client of a winning entry after the award."""
    record = _or_404(selectors.entry_file_original_for, file_id=file_id, viewer=request.user)
    return original_response(record)
