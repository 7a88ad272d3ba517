"""Wallet pages: the overview, top-up with its live quote and the page the provider returns
to, refunds, withdrawing with its live quote, payout methods, and the statement with its CSV
export. Thin: form in, one service or selector call, template out. Someone else's record is a
404 whatever the id, and nothing changes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError, NotFound
from jiedan.core.money import DEFAULT_CURRENCY, Currency, money_display
from jiedan.ledger import fees
from jiedan.ledger.selectors import wallet_summary

from . import selectors, services
from .forms import PayoutMethodForm, RefundForm, StatementFilterForm, TopUpForm, WithdrawForm
from .models import TopUp
from .statement import kind_label, statement_csv_lines

STATEMENT_PER_PAGE = 50


def _or_404(read, **kwargs):
    try:
        return read(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error


def _quote(quote, data):
    """The quote for what the form holds so far, or None while it is not a valid amount."""
    try:
        return quote(data.get("amount") or "", data.get("currency") or DEFAULT_CURRENCY)
    except DomainError:
        return None


@login_required
def wallet(request):
    """Available, pending (and from when), in escrow and on the way out, per currency; the
    latest top-ups and withdrawals."""
    owner = request.user
    context = {
        "summaries": selectors.wallet_overview(owner=owner),
        "pending": selectors.pending_upcoming(owner=owner),
        "top_ups": selectors.top_ups_recent(owner=owner),
        "withdrawals": selectors.withdrawals_recent(owner=owner),
    }
    return render(request, "payments/wallet.html", context)


@login_required
def top_up(request):
    """GET: the form with the live quote. POST: start the top-up and go to the checkout."""
    form = TopUpForm(request.POST or None, initial={"currency": DEFAULT_CURRENCY})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            started = services.top_up_start(
                user=request.user,
                amount=data["amount"],
                currency=data["currency"],
                idempotency_key=data["idempotency_key"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if started.status == TopUp.Status.PENDING and started.checkout_url:
                return redirect(started.checkout_url)
            return redirect("payments:top_up_detail", top_up_id=started.pk)
    context = {"form": form, "quote": _quote(fees.top_up_quote, form.data or request.GET)}
    return render(request, "payments/top_up.html", context)


@login_required
def top_up_quote(request):
    """The live quote (htmx): what the person pays and what the wallet receives."""
    context = {"quote": _quote(fees.top_up_quote, request.GET)}
    return render(request, "payments/_top_up_quote.html", context)


@login_required
def top_up_detail(request, top_up_id: int):
    """Where the provider sends the payer back: the top-up's status, its refunds and, while
    some of it is unspent, the refund form."""
    found = _or_404(selectors.top_up_of, owner=request.user, top_up_id=top_up_id)
    refundable = selectors.refundable_amount(found)
    context = {
        "top_up": found,
        "refunds": selectors.refunds_of_top_up(top_up=found),
        "refundable": refundable,
        "refund_form": RefundForm(initial={"amount": refundable}) if refundable else None,
    }
    return render(request, "payments/top_up_detail.html", context)


@login_required
@require_POST
def top_up_refund(request, top_up_id: int):
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the amount to refund."))
        return redirect("payments:top_up_detail", top_up_id=top_up_id)
    try:
        services.refund_request(
            user=request.user,
            top_up_id=top_up_id,
            amount=form.cleaned_data["amount"],
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The refund is on its way back to where the money came from."))
    return redirect("payments:top_up_detail", top_up_id=top_up_id)


def _threshold(currency: str) -> str:
    return money_display(settings.JIEDAN_WITHDRAWAL_MFA_THRESHOLD, currency)


@login_required
def withdraw(request):
    """GET: the form with what will arrive after the fee. POST: request the withdrawal."""
    data = request.POST or request.GET
    currency = data.get("currency") if data.get("currency") in Currency.values else None
    currency = currency or DEFAULT_CURRENCY
    form = WithdrawForm(
        request.POST or None,
        methods=selectors.payout_methods_of(owner=request.user),
        initial={"currency": currency},
        otp_help=_("Needed for more than %(threshold)s.") % {"threshold": _threshold(currency)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.withdrawal_request(
                user=request.user,
                method_id=form.cleaned_data["method"],
                amount=form.cleaned_data["amount"],
                currency=form.cleaned_data["currency"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                otp_code=form.cleaned_data["otp_code"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your withdrawal is on its way."))
            return redirect("payments:wallet")
    context = {
        "form": form,
        "quote": _quote(fees.withdrawal_quote, data),
        "available": wallet_summary(owner=request.user, currency=currency).available,
        "currency": currency,
        "schedule": fees.fee_schedule(),
    }
    return render(request, "payments/withdraw.html", context)


@login_required
def withdraw_quote(request):
    """The live quote (htmx): what reaches the account after the withdrawal fee."""
    context = {"quote": _quote(fees.withdrawal_quote, request.GET)}
    return render(request, "payments/_withdraw_quote.html", context)


@login_required
def payout_methods(request):
    """The person's payout methods (masked) and the form to add one."""
    form = PayoutMethodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.payout_method_add(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Payout method added."))
            return redirect("payments:payout_methods")
    context = {"form": form, "methods": selectors.payout_methods_of(owner=request.user)}
    return render(request, "payments/payout_methods.html", context)


@login_required
@require_POST
def payout_method_remove(request, method_id: int):
    try:
        services.payout_method_remove(user=request.user, method_id=method_id)
    except NotFound as error:
        raise Http404(error.message) from error
    messages.success(request, _("Payout method removed."))
    return redirect("payments:payout_methods")


def _statement_filters(request):
    kinds = selectors.statement_kinds(owner=request.user)
    form = StatementFilterForm(request.GET or None, kinds=kinds)
    return form, form.filters()


@login_required
def statement(request):
    """The person's ledger entries, filtered by date, kind and account, 50 a page."""
    form, filters = _statement_filters(request)
    entries = selectors.statement_entries(owner=request.user, filters=filters)
    page = Paginator(entries, STATEMENT_PER_PAGE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.kind_label = kind_label(entry.journal.kind)
        sign = "+" if entry.amount > 0 else "−"
        entry.signed_amount = sign + money_display(abs(entry.amount), entry.currency)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "filter_query": query.urlencode()}
    return render(request, "payments/statement.html", context)


@login_required
def statement_csv(request):
    """The filtered statement as a CSV download, streamed."""
    _form, filters = _statement_filters(request)
    entries = selectors.statement_entries(owner=request.user, filters=filters)
    response = StreamingHttpResponse(
        statement_csv_lines(entries, language=get_language()),
        content_type="text/csv; charset=utf-8",
    )
    name = f"jiedan-statement-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
