"""Dispute pages: my disputes (and, for mediators, those assigned to me; for assigners, the
queue), opening one on a milestone or a week, the dispute itself with every action its viewer
may take, and its files. Plain POST forms, no JavaScript needed. Thin: form in, one service or
selector call, template out. A dispute (or file) of other people is a 404 whatever the id, and
nothing changes; a refused action comes back as a form error or a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.accounts.roles import user_can
from jiedan.contracts import hourly_selectors
from jiedan.contracts import selectors as contract_selectors
from jiedan.contracts.files import delivery_file_response
from jiedan.core.errors import DomainError, NotFound
from jiedan.ledger.fees import fee_schedule, release_split

from . import selectors, services
from .files import evidence_file_response
from .forms import AssignForm, DecisionForm, DeclineForm, EvidenceForm, OfferForm, OpenForm
from .models import OfferStatus, Side, Status
from .services.common import MEDIATOR, decision_time, evidence_time, negotiation_time

QUEUE_LIMIT = 100
LIST_LIMIT = 100


def _or_404(read, **kwargs):
    try:
        return read(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error


def _limits() -> dict:
    """The time limits in days, as the pages state them."""
    return {
        "negotiation_days": negotiation_time().days,
        "evidence_days": evidence_time().days,
        "decision_days": decision_time().days,
    }


# --- lists -----------------------------------------------------------------------------------


@login_required
def dispute_list(request):
    """The person's disputes; a mediator's assigned disputes; an assigner's queue."""
    user = request.user
    assigner = user_can(user, "disputes.assign")
    context = {
        "mine": list(selectors.disputes_of(user=user)[:LIST_LIMIT]),
        "mediated": list(selectors.disputes_mediated_by(user=user)[:LIST_LIMIT]),
        "queue": list(selectors.dispute_queue()[:QUEUE_LIMIT]) if assigner else None,
        "mediators": list(services.mediators()) if assigner else [],
        **_limits(),
    }
    return render(request, "disputes/list.html", context)


@login_required
@require_POST
def assign(request, dispute_id: int):
    """An assigner gives a dispute in mediation to a mediator (from the queue)."""
    if not user_can(request.user, "disputes.assign"):
        raise Http404(_("No such dispute."))
    form = AssignForm(request.POST, mediators=services.mediators())
    if not form.is_valid():
        messages.error(request, _("Choose a mediator."))
        return redirect("disputes:list")
    try:
        services.dispute_assign(
            actor=request.user, dispute_id=dispute_id, mediator_id=form.cleaned_data["mediator"].pk
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The mediator is assigned and told."))
    return redirect("disputes:list")


# --- opening ---------------------------------------------------------------------------------


def _open_page(request, *, contract, subject, is_week: bool, run):
    form = OpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        claim = services.Claim(
            reason=data["reason"],
            details=data["details"],
            desired_outcome=data["desired_outcome"],
            desired_freelancer_amount=data["desired_freelancer_amount"],
        )
        try:
            dispute = run(claim)
        except NotFound as error:
            raise Http404(error.message) from error
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your dispute is open. The other party is told."))
            return redirect("disputes:detail", dispute_id=dispute.pk)
    context = {
        "form": form,
        "contract": contract,
        "subject": subject,
        "is_week": is_week,
        "can_open": selectors.can_open(contract=contract, subject=subject),
        "release": release_split(subject.amount, subject.currency) if subject.amount else None,
        "schedule": fee_schedule(),
        **_limits(),
    }
    return render(request, "disputes/open.html", context)


@login_required
def open_milestone(request, milestone_id: int):
    """The form to open a dispute on a milestone with money in escrow."""
    milestone = _or_404(
        contract_selectors.milestone_for_party, user=request.user, milestone_id=milestone_id
    )
    existing = selectors.open_dispute_for(milestone_id=milestone.pk)
    if existing is not None:
        return redirect("disputes:detail", dispute_id=existing.pk)
    return _open_page(
        request,
        contract=milestone.contract,
        subject=milestone,
        is_week=False,
        run=lambda claim: services.dispute_open_milestone(
            actor=request.user, milestone_id=milestone.pk, claim=claim
        ),
    )


@login_required
def open_week(request, statement_id: int):
    """The form to open a dispute on a weekly statement not billed yet."""
    statement = _or_404(
        hourly_selectors.statement_for_party, user=request.user, statement_id=statement_id
    )
    existing = selectors.open_dispute_for(statement_id=statement.pk)
    if existing is not None:
        return redirect("disputes:detail", dispute_id=existing.pk)
    return _open_page(
        request,
        contract=statement.contract,
        subject=statement,
        is_week=True,
        run=lambda claim: services.dispute_open_week(
            actor=request.user, statement_id=statement.pk, claim=claim
        ),
    )


# --- the dispute page ------------------------------------------------------------------------


def _form(form_class, prefix: str, bound: dict, **kwargs):
    return bound.get(prefix) or form_class(prefix=prefix, **kwargs)


def _offers(page, user, bound: dict) -> None:
    """What each offer shows: the freelancer's net share, and the answer forms for the party
    it was made to."""
    for offer in page.offers:
        offer.net = (
            release_split(offer.freelancer_amount, page.dispute.currency).net
            if offer.freelancer_amount
            else 0
        )
        answerable = (
            page.role != MEDIATOR
            and offer.status == OfferStatus.OPEN
            and page.dispute.is_open
            and offer.made_by_id != user.pk
        )
        offer.decline_form = (
            _form(DeclineForm, f"decline-{offer.pk}", bound) if answerable else None
        )
        offer.is_mine = offer.made_by_id == user.pk


def _actions(page, user, now, bound: dict) -> dict:
    dispute, role = page.dispute, page.role
    party = role != MEDIATOR
    negotiating = dispute.status == Status.NEGOTIATION
    mediating = dispute.status == Status.MEDIATION
    evidence_open = dispute.is_open and (
        role == MEDIATOR or not mediating or dispute.evidence_ends_at > now
    )
    can_decide = role == MEDIATOR and mediating and dispute.evidence_ends_at <= now
    return {
        "offer_form": _form(OfferForm, "offer", bound) if party and dispute.is_open else None,
        "evidence_form": _form(EvidenceForm, "evidence", bound) if evidence_open else None,
        "can_escalate": party and negotiating,
        "can_withdraw": party and negotiating and dispute.opened_by_id == user.pk,
        "decision_form": _form(DecisionForm, "decision", bound) if can_decide else None,
    }


def _detail_page(request, dispute_id: int, *, bound: dict | None = None):
    bound = bound or {}
    user, now = request.user, timezone.now()
    page = _or_404(selectors.dispute_page, user=user, dispute_id=dispute_id)
    dispute = page.dispute
    services.dispute_case_file_read_record(user=user, dispute=dispute, what="page")
    _offers(page, user, bound)
    opener_is_client = dispute.opener_side == Side.CLIENT
    asked = services.asked_split(dispute)
    context = {
        "page": page,
        "dispute": dispute,
        "contract": dispute.contract,
        "role": page.role,
        "is_mediator": page.role == MEDIATOR,
        "opener": dispute.contract.client if opener_is_client else dispute.contract.freelancer,
        "answerer": dispute.contract.freelancer if opener_is_client else dispute.contract.client,
        "asked": {"to_freelancer": asked[0], "to_client": asked[1]},
        "schedule": fee_schedule(),
        **_actions(page, user, now, bound),
        **_limits(),
    }
    return render(request, "disputes/detail.html", context)


@login_required
def detail(request, dispute_id: int):
    return _detail_page(request, dispute_id)


def _act(request, dispute_id: int, run, done: str):
    """Run one action without input and go back to the dispute page."""
    try:
        run()
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("disputes:detail", dispute_id=dispute_id)


def _form_action(request, dispute_id: int, form, run, done: str):
    """Run one action with a form; on a refusal show the page again with the form and the
    reason, what was typed kept."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except NotFound as error:
            raise Http404(error.message) from error
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return redirect("disputes:detail", dispute_id=dispute_id)
    return _detail_page(request, dispute_id, bound={form.prefix: form})


@login_required
@require_POST
def offer_make(request, dispute_id: int):
    form = OfferForm(request.POST, prefix="offer")
    return _form_action(
        request,
        dispute_id,
        form,
        lambda data: services.dispute_offer_make(
            actor=request.user,
            dispute_id=dispute_id,
            outcome=data["outcome"],
            freelancer_amount=data["freelancer_amount"],
            note=data["note"],
        ),
        _("Your offer is sent. The other party may accept or decline it."),
    )


def _offer_dispute_id(offer_id: int) -> int:
    return _or_404(selectors.dispute_id_of_offer, offer_id=offer_id)


@login_required
@require_POST
def offer_accept(request, offer_id: int):
    dispute_id = _offer_dispute_id(offer_id)
    return _act(
        request,
        dispute_id,
        lambda: services.dispute_offer_accept(actor=request.user, offer_id=offer_id),
        _("You accepted the offer: the dispute is settled and the money paid out."),
    )


@login_required
@require_POST
def offer_decline(request, offer_id: int):
    dispute_id = _offer_dispute_id(offer_id)
    form = DeclineForm(request.POST, prefix=f"decline-{offer_id}")
    return _form_action(
        request,
        dispute_id,
        form,
        lambda data: services.dispute_offer_decline(
            actor=request.user, offer_id=offer_id, note=data["note"]
        ),
        _("The offer is declined."),
    )


@login_required
@require_POST
def escalate(request, dispute_id: int):
    return _act(
        request,
        dispute_id,
        lambda: services.dispute_escalate(actor=request.user, dispute_id=dispute_id),
        _("A mediator will take the dispute. Add your evidence now."),
    )


@login_required
@require_POST
def withdraw(request, dispute_id: int):
    return _act(
        request,
        dispute_id,
        lambda: services.dispute_withdraw(actor=request.user, dispute_id=dispute_id),
        _("You withdrew the dispute. Everything is back as it was."),
    )


@login_required
@require_POST
def evidence_add(request, dispute_id: int):
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")

    def run(data):
        if data["file"]:
            return services.dispute_evidence_add(
                actor=request.user, dispute_id=dispute_id, upload=data["file"], note=data["note"]
            )
        return services.dispute_statement_add(
            actor=request.user, dispute_id=dispute_id, text=data["note"]
        )

    return _form_action(request, dispute_id, form, run, _("Added to the dispute."))


@login_required
@require_POST
def decide(request, dispute_id: int):
    form = DecisionForm(request.POST, prefix="decision")
    return _form_action(
        request,
        dispute_id,
        form,
        lambda data: services.dispute_decide(
            mediator=request.user,
            dispute_id=dispute_id,
            freelancer_amount=data["freelancer_amount"],
            reason=data["reason"],
        ),
        _("Your decision is recorded and the money paid out. Both parties are told."),
    )


# --- files -----------------------------------------------------------------------------------


@login_required
def evidence_file(request, evidence_id: int):
    evidence = _or_404(selectors.evidence_for_viewer, user=request.user, evidence_id=evidence_id)
    services.dispute_case_file_read_record(
        user=request.user, dispute=evidence.dispute, what="evidence", subject=evidence
    )
    return evidence_file_response(evidence)


@login_required
def delivery_file(request, dispute_id: int, file_id: int):
    """A file delivered on the disputed milestone, for the assigned mediator."""
    found = _or_404(
        selectors.delivery_file_for_mediator,
        user=request.user,
        dispute_id=dispute_id,
        file_id=file_id,
    )
    dispute, _role = selectors.dispute_for_viewer(user=request.user, dispute_id=dispute_id)
    services.dispute_case_file_read_record(
        user=request.user, dispute=dispute, what="delivery_file", subject=found
    )
    return delivery_file_response(found)
