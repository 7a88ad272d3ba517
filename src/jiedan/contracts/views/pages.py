"""Contract pages: my contracts, writing (and revising) an offer, the contract page with every
action its parties may take, and delivered files. Thin: form in, one service or selector call,
template out. A contract, milestone or file of other people is a 404 whatever the id, and
nothing changes; a refused action comes back as a form error or a message."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError, InvalidInput, NotFound
from jiedan.ledger.fees import fee_schedule, release_split
from jiedan.ledger.models import Purpose
from jiedan.ledger.selectors import account_balance

from .. import selectors, services
from ..files import delivery_file_response
from ..forms import (
    CancellationForm,
    ChangesForm,
    ContractFilterForm,
    DeliveryForm,
    EndForm,
    OfferForm,
)
from ..models import (
    IN_ESCROW,
    Contract,
    ContractTerms,
    Kind,
    MilestoneStatus,
    Source,
    Status,
)
from ..services.milestones import REVIEWING, WORKING
from ..terms import MilestoneDetails, TermsDetails, terms_checked, terms_digest
from . import changes as change_pages
from . import hourly

PER_PAGE = 20
SUBMITTABLE = (MilestoneStatus.FUNDED, MilestoneStatus.CHANGES_REQUESTED)
APPROVABLE = (MilestoneStatus.SUBMITTED, MilestoneStatus.CHANGES_REQUESTED)


def _or_404(read, **kwargs):
    try:
        return read(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@login_required
def contract_list(request):
    """The person's contracts as client and as freelancer, newest first."""
    form = ContractFilterForm(request.GET)
    contracts = selectors.contracts_of(user=request.user, status=form.chosen_status())
    page = Paginator(contracts, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "contracts/list.html", {"form": form, "page": page})


# --- writing the terms ---------------------------------------------------------------------


@dataclass(frozen=True)
class OfferSummary:
    """What the terms add up to: the total the client funds, and what the freelancer receives
    after the commission, milestone by milestone (each is released on its own). Hourly terms:
    what the client pays an hour and at most a week, and what the freelancer receives an hour."""

    total: Decimal
    net: Decimal
    currency: str
    milestones: list[dict]
    fingerprint: str  # the SHA-256 of the terms summarised
    kind: str = Kind.FIXED
    hourly_rate: Decimal | None = None
    weekly_limit: int | None = None
    weekly_max: Decimal | None = None
    hourly_net: Decimal | None = None


def offer_summary(details: TermsDetails, *, currency: str, parties) -> OfferSummary:
    """Raises ``InvalidInput`` for terms the services would refuse."""
    doc = terms_checked(details, currency=currency, today=timezone.localdate())
    rows = [
        {**planned, "split": release_split(planned["amount"], currency)}
        for planned in doc.milestones
    ]
    hourly = {}
    if doc.kind == Kind.HOURLY:
        hourly = {
            "kind": doc.kind,
            "hourly_rate": doc.hourly_rate,
            "weekly_limit": doc.weekly_limit,
            "weekly_max": doc.hourly_rate * doc.weekly_limit,
            "hourly_net": release_split(doc.hourly_rate, currency).net,
        }
    return OfferSummary(
        total=doc.total,
        net=sum((row["split"].net for row in rows), Decimal("0")),
        currency=currency,
        milestones=rows,
        fingerprint=terms_digest(contract_id=0, version=0, parties=parties, doc=doc),
        **hourly,
    )


def _summary_or_none(details: TermsDetails, **kwargs) -> OfferSummary | None:
    try:
        return offer_summary(details, **kwargs)
    except InvalidInput:
        return None


def _terms_page(request, *, initial: TermsDetails, currency: str, parties, send, context):
    """GET: the terms to start from and their summary. POST: "fill" splits a total over the
    milestones; otherwise the summary of what was typed is shown, and "send" sends it — only
    when it is exactly what the summary on the page showed."""
    if request.method != "POST":
        form = OfferForm.for_terms(initial)
        summary = _summary_or_none(initial, currency=currency, parties=parties)
        return _render_terms(request, form, summary, context)
    data, split_error = request.POST, None
    if "fill" in data:
        try:
            data = OfferForm.from_post(data).split_data(currency)
        except InvalidInput as error:
            split_error = error.message
    form = OfferForm.from_post(data)
    if not form.is_valid():
        return _render_terms(request, form, None, context, split_error=split_error)
    try:
        summary = offer_summary(form.details(), currency=currency, parties=parties)
    except InvalidInput as error:
        form.add_error_message(error.message)
        return _render_terms(request, form, None, context, split_error=split_error)
    if "send" in data and data.get("reviewed") == summary.fingerprint:
        try:
            contract = send(form.details())
        except NotFound as error:
            raise Http404(error.message) from error
        except DomainError as error:
            form.add_error_message(error.message)
        else:
            return redirect("contracts:detail", contract_id=contract.pk)
    elif "send" in data:
        messages.warning(request, _("The terms changed. Check the summary, then send them."))
    return _render_terms(request, form, summary, context, split_error=split_error)


def _render_terms(request, form, summary, context, *, split_error=None):
    context = {
        **context,
        "form": form,
        "summary": summary,
        "split_error": split_error,
        "schedule": fee_schedule(),
    }
    return render(request, "contracts/offer.html", context)


@login_required
def offer(request, proposal_id: int):
    """The client writes the contract offer for a proposal they hired."""
    proposal, prefill = _or_404(
        selectors.offer_prefill, client=request.user, proposal_id=proposal_id
    )
    existing = selectors.contract_for_source(source=Source.PROPOSAL, source_id=proposal.pk)
    if existing is not None:
        return redirect("contracts:detail", contract_id=existing.pk)

    def send(details):
        contract = services.contract_offer_from_proposal(
            client=request.user,
            proposal_id=proposal.pk,
            details=details,
            ip_address=_client_ip(request),
        )
        messages.success(request, _("Your offer is sent. The contract starts when it is accepted."))
        return contract

    return _terms_page(
        request,
        initial=prefill,
        currency=proposal.currency,
        parties=(request.user.pk, proposal.freelancer_id),
        send=send,
        context={"proposal": proposal, "freelancer": proposal.freelancer, "contract": None},
    )


def _details_of(terms: ContractTerms) -> TermsDetails:
    return TermsDetails(
        scope=terms.scope,
        deadline=terms.deadline,
        milestones=[
            MilestoneDetails(
                title=planned["title"],
                amount=planned["amount"],
                due_date=date.fromisoformat(planned["due_date"]) if planned["due_date"] else None,
            )
            for planned in terms.milestones
        ],
        deliverables=list(terms.deliverables),
        revisions=terms.revisions,
        delay_policy=terms.delay_policy,
        ip_transfer=terms.ip_transfer,
        kind=terms.kind,
        hourly_rate=terms.hourly_rate,
        weekly_limit=terms.weekly_limit,
    )


@login_required
def revise(request, contract_id: int):
    """The client rewrites an offer still waiting for acceptance: a new version."""
    contract = _or_404(selectors.contract_for_party, user=request.user, contract_id=contract_id)
    if contract.client_id != request.user.pk:
        raise Http404(_("No such contract."))
    if contract.status != Status.OFFERED:
        messages.error(request, _("Only a waiting offer can be revised."))
        return redirect("contracts:detail", contract_id=contract.pk)

    def send(details):
        services.contract_offer_revise(
            client=request.user,
            contract_id=contract.pk,
            details=details,
            ip_address=_client_ip(request),
        )
        messages.success(request, _("The new terms are sent. The freelancer must accept them."))
        return contract

    return _terms_page(
        request,
        initial=_details_of(contract.terms),
        currency=contract.currency,
        parties=contract.party_ids(),
        send=send,
        context={"proposal": None, "freelancer": contract.freelancer, "contract": contract},
    )


@login_required
@require_POST
def offer_from_order(request, order_id: int):
    """The buyer turns a placed service order into a contract offer on the order's terms (a
    repeat, such as a double click, goes to the contract already offered)."""
    try:
        contract = services.contract_offer_from_order(
            buyer=request.user, order_id=order_id, ip_address=_client_ip(request)
        )
    except NotFound as error:
        existing = selectors.contract_for_source(source=Source.ORDER, source_id=order_id)
        if existing is None or existing.client_id != request.user.pk:
            raise Http404(error.message) from error
        return redirect("contracts:detail", contract_id=existing.pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("catalog:order_detail", order_id=order_id)
    messages.success(request, _("Your contract offer is sent to the freelancer."))
    return redirect("contracts:detail", contract_id=contract.pk)


# --- the contract page ---------------------------------------------------------------------

SOURCE_PAGES = {
    Source.PROPOSAL: "proposals:detail",
    Source.ORDER: "catalog:order_detail",
    Source.CONTEST: "contests:detail",
}


def _source_url(contract: Contract) -> str | None:
    """The page of what the contract started from: the proposal, the order or the contest."""
    target = contract.source_id
    if contract.source == Source.CONTEST:
        target = selectors.contest_of_award(contract=contract)
    return reverse(SOURCE_PAGES[contract.source], args=[target]) if target else None


def _form(form_class, prefix: str, bound: dict):
    return bound.get(prefix) or form_class(prefix=prefix)


def _prepare_milestones(contract: Contract, *, is_client: bool, wallet, bound: dict) -> list:
    """The milestones with what their page shows: history, the approval split, the shortfall
    to fund it, revisions left, and the forms of the actions open to the viewer."""
    changes = selectors.milestone_changes(contract=contract)
    working, reviewing = contract.status in WORKING, contract.status in REVIEWING
    milestones = list(contract.milestones.all())
    for milestone in milestones:
        milestone.changes = changes.get(milestone.pk, [])
        milestone.release = release_split(milestone.amount, milestone.currency)
        milestone.revisions_left = max(contract.terms.revisions - milestone.revisions_used, 0)
        milestone.shortfall = max(milestone.amount - wallet, 0) if wallet is not None else None
        status = milestone.status
        milestone.can_fund = is_client and working and status == MilestoneStatus.UNFUNDED
        milestone.can_approve = is_client and reviewing and status in APPROVABLE
        milestone.submit_form = (
            _form(DeliveryForm, f"submit-{milestone.pk}", bound)
            if not is_client and working and status in SUBMITTABLE
            else None
        )
        milestone.changes_form = (
            _form(ChangesForm, f"changes-{milestone.pk}", bound)
            if is_client and reviewing and status == MilestoneStatus.SUBMITTED
            else None
        )
    return milestones


def _detail_page(request, contract_id: int, *, bound: dict | None = None):
    bound = bound or {}
    user = request.user
    contract = _or_404(selectors.contract_for_party, user=user, contract_id=contract_id)
    is_client = user.pk == contract.client_id
    unfunded = any(m.status == MilestoneStatus.UNFUNDED for m in contract.milestones.all())
    wallet = (
        account_balance(purpose=Purpose.WALLET, currency=contract.currency, owner=user)
        if is_client and contract.status in WORKING and unfunded
        else None
    )
    milestones = _prepare_milestones(contract, is_client=is_client, wallet=wallet, bound=bound)
    held = sum((m.amount for m in milestones if m.status in IN_ESCROW), Decimal("0"))
    open_ = contract.status in REVIEWING
    cancellation = selectors.contract_open_cancellation(contract=contract) if open_ else None
    if cancellation is not None:
        cancellation.refund = cancellation.held_total - cancellation.freelancer_share
        held_ids = sorted(m.pk for m in milestones if m.status in IN_ESCROW)
        cancellation.stale = (cancellation.held_total, cancellation.held_milestones) != (
            held,
            held_ids,
        )
    context = {
        "contract": contract,
        "terms": contract.terms,
        "is_client": is_client,
        "other": contract.freelancer if is_client else contract.client,
        "waiting": selectors.waiting_for(contract=contract, user=user),
        "milestones": milestones,
        "wallet": wallet,
        "held": held,
        "cancellation": cancellation,
        "cancel_form": _form(CancellationForm, "cancel", bound)
        if open_ and held and cancellation is None
        else None,
        "end_form": _form(EndForm, "end", bound) if open_ and not held else None,
        "history": selectors.contract_history(contract=contract),
        "source_url": _source_url(contract),
        "schedule": fee_schedule(),
    }
    context.update(change_pages.detail_context(contract, user))
    context.update(hourly.hourly_context(contract, user=user, bound=bound))
    return render(request, "contracts/detail.html", context)


@login_required
def detail(request, contract_id: int):
    return _detail_page(request, contract_id)


@login_required
def from_source(request, source: str, source_id: int):
    """The contract of a proposal, order or contest entry, for its parties (404 for others)."""
    contract = selectors.contract_for_source(source=source, source_id=source_id)
    if contract is None or request.user.pk not in contract.party_ids():
        raise Http404(_("No such contract."))
    return redirect("contracts:detail", contract_id=contract.pk)


def _act(request, contract_id: int, run, done: str):
    """Run one action without input and go back to the contract page."""
    try:
        run()
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("contracts:detail", contract_id=contract_id)


def _form_action(request, contract_id: int, form, run, done: str):
    """Run one action with a form; on a refusal show the contract page with the form and the
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
            return redirect("contracts:detail", contract_id=contract_id)
    return _detail_page(request, contract_id, bound={form.prefix: form})


def _reason(request) -> str:
    return request.POST.get("reason", "")


@login_required
@require_POST
def accept(request, contract_id: int):
    """Accept the terms whose digest the page showed."""
    return _act(
        request,
        contract_id,
        lambda: services.contract_accept(
            actor=request.user,
            contract_id=contract_id,
            digest=request.POST.get("digest", ""),
            ip_address=_client_ip(request),
        ),
        _("You accepted the terms."),
    )


@login_required
@require_POST
def decline(request, contract_id: int):
    return _act(
        request,
        contract_id,
        lambda: services.contract_decline(
            freelancer=request.user, contract_id=contract_id, reason=_reason(request)
        ),
        _("You declined the offer."),
    )


@login_required
@require_POST
def withdraw(request, contract_id: int):
    return _act(
        request,
        contract_id,
        lambda: services.contract_withdraw(
            client=request.user, contract_id=contract_id, reason=_reason(request)
        ),
        _("You withdrew the offer."),
    )


@login_required
@require_POST
def pause(request, contract_id: int):
    return _act(
        request,
        contract_id,
        lambda: services.contract_pause(
            client=request.user, contract_id=contract_id, reason=_reason(request)
        ),
        _("The contract is paused: no funding or submitting until you resume it."),
    )


@login_required
@require_POST
def resume(request, contract_id: int):
    return _act(
        request,
        contract_id,
        lambda: services.contract_resume(client=request.user, contract_id=contract_id),
        _("The contract is active again."),
    )


@login_required
@require_POST
def end(request, contract_id: int):
    return _form_action(
        request,
        contract_id,
        EndForm(request.POST, prefix="end"),
        lambda data: services.contract_end(
            actor=request.user, contract_id=contract_id, reason=data["reason"]
        ),
        _("The contract has ended."),
    )


@login_required
@require_POST
def cancellation_propose(request, contract_id: int):
    return _form_action(
        request,
        contract_id,
        CancellationForm(request.POST, prefix="cancel"),
        lambda data: services.cancellation_propose(
            actor=request.user,
            contract_id=contract_id,
            freelancer_share=data["freelancer_share"],
            reason=data["reason"],
        ),
        _("Your cancellation proposal is sent. The other party accepts or declines it."),
    )


def _cancellation_action(request, cancellation_id: int, run, done: str):
    cancellation = _or_404(
        selectors.cancellation_for_party, user=request.user, cancellation_id=cancellation_id
    )
    return _act(request, cancellation.contract_id, run, done)


@login_required
@require_POST
def cancellation_accept(request, cancellation_id: int):
    return _cancellation_action(
        request,
        cancellation_id,
        lambda: services.cancellation_accept(actor=request.user, cancellation_id=cancellation_id),
        _("The contract is cancelled and the escrow split as agreed."),
    )


@login_required
@require_POST
def cancellation_decline(request, cancellation_id: int):
    return _cancellation_action(
        request,
        cancellation_id,
        lambda: services.cancellation_decline(actor=request.user, cancellation_id=cancellation_id),
        _("The cancellation proposal is closed; the contract goes on."),
    )


def _milestone(request, milestone_id: int):
    return _or_404(selectors.milestone_for_party, user=request.user, milestone_id=milestone_id)


@login_required
@require_POST
def milestone_fund(request, milestone_id: int):
    milestone = _milestone(request, milestone_id)
    return _act(
        request,
        milestone.contract_id,
        lambda: services.milestone_fund(client=request.user, milestone_id=milestone.pk),
        _("The milestone is funded: the money is held in escrow."),
    )


@login_required
@require_POST
def milestone_submit(request, milestone_id: int):
    milestone = _milestone(request, milestone_id)
    return _form_action(
        request,
        milestone.contract_id,
        DeliveryForm(request.POST, request.FILES, prefix=f"submit-{milestone.pk}"),
        lambda data: services.milestone_submit(
            freelancer=request.user,
            milestone_id=milestone.pk,
            message=data["message"],
            uploads=data["files"],
        ),
        _("Your work is submitted for approval."),
    )


@login_required
@require_POST
def milestone_request_changes(request, milestone_id: int):
    milestone = _milestone(request, milestone_id)
    return _form_action(
        request,
        milestone.contract_id,
        ChangesForm(request.POST, prefix=f"changes-{milestone.pk}"),
        lambda data: services.milestone_request_changes(
            client=request.user, milestone_id=milestone.pk, note=data["note"]
        ),
        _("Your change request is sent to the freelancer."),
    )


@login_required
@require_POST
def milestone_approve(request, milestone_id: int):
    milestone = _milestone(request, milestone_id)
    return _act(
        request,
        milestone.contract_id,
        lambda: services.milestone_approve(client=request.user, milestone_id=milestone.pk),
        _("Approved: the freelancer is paid from escrow."),
    )


@login_required
def delivery_file(request, file_id: int):
    """A delivered file, for the contract's parties only."""
    delivered = _or_404(selectors.delivery_file_for_party, user=request.user, file_id=file_id)
    return delivery_file_response(delivered)
