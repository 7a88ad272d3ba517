"""Verification pages: the person's identity status, skill tests, and the staff review page.

Thin: forms in, services out. The document image is served only by ``staff_document``, which
needs a fresh access record naming the viewer and their reason.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.accounts import roles
from jiedan.core.errors import DomainError, NotFound, PermissionDenied

from . import selectors, services
from .forms import AttemptForm, DocumentAccessForm, IdentityForm, ReviewDecision, ReviewForm
from .models import SkillTestAttempt


def _staff_only(error: DomainError):
    if isinstance(error, PermissionDenied):
        return DjangoPermissionDenied(str(error.message))
    return Http404(str(error.message))


# ---------------------------------------------------------------- identity, the person


@login_required
def identity(request):
    """The person's verification status, past decisions, and the form when they may submit."""
    current = selectors.identity_current_of(user=request.user)
    can_submit = selectors.identity_can_submit(current=current)
    form = IdentityForm(request.POST or None, request.FILES or None) if can_submit else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.identity_submit(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. We will review your submission soon."))
            return redirect("verification:identity")
    context = {
        "current": current,
        "submissions": selectors.identity_submissions_of(user=request.user),
        "form": form,
    }
    return render(request, "verification/identity.html", context)


# ---------------------------------------------------------------- identity, staff


def _review_context(request, submission, *, access=None, review_form=None, access_form=None):
    return {
        "submission": submission,
        "access": access,
        "masked_name": selectors.mask(submission.real_name),
        "masked_number": selectors.mask(submission.id_number, keep_start=2, keep_end=2),
        "can_view_identity": roles.user_can(request.user, "identity.view"),
        "can_review": roles.user_can(request.user, "verification.review"),
        "review_form": review_form or ReviewForm(),
        "access_form": access_form or DocumentAccessForm(),
    }


@login_required
def staff_review(request, submission_id: int):
    """Staff page for one submission: number and image masked until a reason is given."""
    try:
        submission = selectors.identity_submission_for_staff(
            actor=request.user, submission_id=submission_id
        )
        access = None
        if access_id := request.GET.get("access", "").strip():
            access = selectors.document_access_for(
                actor=request.user,
                access_id=int(access_id) if access_id.isdigit() else 0,
                submission_id=submission.pk,
            )
    except DomainError as error:
        raise _staff_only(error) from error
    return render(
        request,
        "verification/staff_review.html",
        _review_context(request, submission, access=access),
    )


@login_required
@require_POST
def staff_document_access(request, submission_id: int):
    """Record why the staff member opens the document, then show it to them."""
    form = DocumentAccessForm(request.POST)
    try:
        submission = selectors.identity_submission_for_staff(
            actor=request.user, submission_id=submission_id
        )
        if form.is_valid():
            access = services.identity_document_access_grant(
                submission_id=submission.pk, actor=request.user, reason=form.cleaned_data["reason"]
            )
            url = reverse("verification:staff_review", args=[submission.pk])
            return redirect(f"{url}?access={access.pk}")
    except PermissionDenied as error:
        raise _staff_only(error) from error
    except NotFound as error:
        raise _staff_only(error) from error
    except DomainError as error:
        form.add_error("reason", error.message)
    context = _review_context(request, submission, access_form=form)
    return render(request, "verification/staff_review.html", context, status=422)


@login_required
def staff_document(request, access_id: int):
    """The document image, for the staff member named on a fresh access record."""
    try:
        access = selectors.document_access_for(actor=request.user, access_id=access_id)
    except DomainError as error:
        raise _staff_only(error) from error
    response = FileResponse(access.submission.document.open("rb"))
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def staff_decide(request, submission_id: int):
    form = ReviewForm(request.POST)
    try:
        submission = selectors.identity_submission_for_staff(
            actor=request.user, submission_id=submission_id
        )
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            if form.cleaned_data["decision"] == ReviewDecision.APPROVE:
                services.identity_submission_approve(
                    submission_id=submission.pk, actor=request.user, note=reason
                )
                messages.success(request, _("Approved."))
            else:
                services.identity_submission_reject(
                    submission_id=submission.pk, actor=request.user, reason=reason
                )
                messages.success(request, _("Rejected."))
            return redirect("verification:staff_review", submission_id=submission.pk)
    except (PermissionDenied, NotFound) as error:
        raise _staff_only(error) from error
    except DomainError as error:
        form.add_error(None, error.message)
    context = _review_context(request, submission, review_form=form)
    return render(request, "verification/staff_review.html", context, status=422)


# ---------------------------------------------------------------- skill tests


@login_required
def skill_tests(request):
    states = selectors.skill_tests_for(user=request.user)
    return render(request, "verification/skill_tests.html", {"states": states})


@login_required
@require_POST
def skill_test_start(request, test_id: int):
    try:
        attempt = services.attempt_start(user=request.user, test_id=test_id)
    except NotFound as error:
        raise Http404(str(error.message)) from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("verification:skill_tests")
    return redirect("verification:attempt", attempt_id=attempt.pk)


def _attempt_or_404(request, attempt_id: int) -> SkillTestAttempt:
    try:
        return selectors.attempt_of(user=request.user, attempt_id=attempt_id)
    except NotFound as error:
        raise Http404(str(error.message)) from error


@login_required
def attempt(request, attempt_id: int):
    """The timed test: questions and choices only; the time left is computed here.

    A late POST still goes to the service, which closes the attempt as expired.
    """
    current = _attempt_or_404(request, attempt_id)
    if selectors.attempt_effective_status(current) != SkillTestAttempt.Status.OPEN and (
        request.method != "POST" or current.status != SkillTestAttempt.Status.OPEN
    ):
        return redirect("verification:attempt_result", attempt_id=current.pk)
    data = request.POST if request.method == "POST" else None  # an empty answer sheet is valid
    form = AttemptForm(data, questions=selectors.attempt_questions(current))
    if request.method == "POST" and form.is_valid():
        answers = [
            services.Answer(question_id=question_id, choice_id=choice_id)
            for question_id, choice_id in form.answers().items()
        ]
        try:
            services.attempt_submit(user=request.user, attempt_id=current.pk, answers=answers)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("verification:attempt_result", attempt_id=current.pk)
    context = {
        "attempt": current,
        "form": form,
        "seconds_left": selectors.attempt_seconds_left(current),
    }
    return render(request, "verification/attempt.html", context)


@login_required
def attempt_result(request, attempt_id: int):
    """Score and pass or fail only: which answers were right is never shown."""
    current = _attempt_or_404(request, attempt_id)
    status = selectors.attempt_effective_status(current)
    if status == SkillTestAttempt.Status.OPEN:
        return redirect("verification:attempt", attempt_id=current.pk)
    context = {
        "attempt": current,
        "status": status,
        "retry_at": selectors.attempt_retry_at(current),
    }
    return render(request, "verification/attempt_result.html", context)
