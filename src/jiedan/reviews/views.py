"""Review pages: write a review of a contract's other party, reply to a review of you, report
a public review, and a person's public reviews (paged; the profile shows the first page).

Thin: a form in, one service call, back to the contract. Someone who is not a party gets 404
and nothing changes; a refusal is shown next to the form with what was typed kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiedan.core.errors import DomainError, NotFound

from . import selectors, services
from .forms import ReplyForm, ReportForm, ReviewForm
from .models import AuthorRole


def _posted(request):
    """The posted data of a POST (even an empty one), None for a GET: the form to bind."""
    return request.POST if request.method == "POST" else None


def _found(load, **kwargs):
    try:
        return load(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error


def _run(form, call) -> bool:
    """Call the service with the valid form; a refusal becomes the form's error (404 for
    "not found"). True when it went through."""
    if not form.is_valid():
        return False
    try:
        call()
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        form.add_error(None, error.message)
        return False
    return True


@login_required
def write(request, contract_id: int):
    """The review form, for a party who may still review the contract."""
    contract = _found(selectors.contract_to_review, user=request.user, contract_id=contract_id)
    state = selectors.contract_reviews_for(contract=contract, viewer=request.user)
    if state is None or not state.can_write:
        messages.info(request, _("There is no review for you to write on this contract."))
        return redirect("contracts:detail", contract_id=contract.pk)
    role = selectors.author_role_of(contract, request.user)
    form = ReviewForm(_posted(request), role=role)
    if request.method == "POST":
        submitted = _run(
            form,
            lambda: services.review_submit(
                author=request.user, contract_id=contract.pk, details=form.details()
            ),
        )
        if submitted:
            messages.success(request, _("Thank you: your review is submitted."))
            return redirect("contracts:detail", contract_id=contract.pk)
    other = contract.freelancer if role == AuthorRole.CLIENT else contract.client
    context = {"contract": contract, "form": form, "other": other, "state": state}
    return render(request, "reviews/write.html", context, status=400 if form.errors else 200)


@login_required
def reply(request, review_id: int):
    """The reviewed person's one public reply to a revealed review."""
    review = _found(selectors.review_to_reply, user=request.user, review_id=review_id)
    form = ReplyForm(_posted(request))
    if request.method == "POST":
        sent = _run(
            form,
            lambda: services.review_reply(
                subject=request.user, review_id=review.pk, text=form.cleaned_data["text"]
            ),
        )
        if sent:
            messages.success(request, _("Your reply is published."))
            return redirect("contracts:detail", contract_id=review.contract_id)
    context = {"review": review, "form": form}
    return render(request, "reviews/reply.html", context, status=400 if form.errors else 200)


@login_required
def report(request, review_id: int):
    """Ask moderators to look at a public review."""
    review = _found(selectors.public_review, review_id=review_id)
    form = ReportForm(_posted(request))
    if request.method == "POST":
        sent = _run(
            form,
            lambda: services.review_report(
                reporter=request.user, review_id=review.pk, reason=form.cleaned_data["reason"]
            ),
        )
        if sent:
            messages.success(request, _("Thank you. Moderators will look at this review."))
            side = selectors.other_side(review.author_role)
            return redirect("reviews:person", user_id=review.subject_id, role=side)
    context = {"review": review, "form": form}
    return render(request, "reviews/report.html", context, status=400 if form.errors else 200)


def _page_number(request) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        raise Http404(_("No such page.")) from None


def person(request, user_id: int, role: str):
    """A person's public reviews on one side (``freelancer`` or ``client``), newest first."""
    person = _found(selectors.reviewed_person, viewer=request.user, user_id=user_id, role=role)
    page = selectors.public_reviews_page(person.pk, role=role, page=_page_number(request))
    context = {"person": person, "role": role, "page": page}
    return render(request, "reviews/person.html", context)
