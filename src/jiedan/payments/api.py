"""Wallet API under /api/v1/wallet: the balance summary, the statement (keyset pages), top-ups
and their refunds, withdrawals, payout methods, and the providers' webhook endpoint.

Every POST that moves money needs an ``Idempotency-Key`` header (``jiedan.core.idempotency``):
sending the same request again answers with the first result, and the same key with another
request is 422 ``idempotency_key_reused``. The key is also passed to the service as the
request's own idempotency key, so the money moves once even when the HTTP record is gone.
Another person's record is 404 for reads and writes, and nothing changes.

The webhook endpoint (``POST /webhooks/{provider}``) takes no sign-in and no CSRF token: the
provider's signature is checked instead. It answers 200 for an event applied, ignored or
already received (``outcome``), and 400 for one that does not verify.
"""

from ninja import Query, Router, Status

from jiedan.core.idempotency import idempotent
from jiedan.ledger.selectors import wallet_summary

from . import selectors, services
from .schemas import (
    PayoutMethodIn,
    PayoutMethodOut,
    RefundIn,
    RefundOut,
    StatementQuery,
    SummaryOut,
    SummaryQuery,
    TopUpIn,
    TopUpOut,
    WalletStatementOut,
    WebhookAckOut,
    WithdrawalIn,
    WithdrawalOut,
)
from .selectors import StatementFilters
from .statement import kind_label

router = Router(tags=["wallet"])


def _entry(entry) -> dict:
    journal = entry.journal
    return {
        "id": entry.pk,
        "posted_at": journal.created_at,
        "kind": journal.kind,
        "kind_label": kind_label(journal.kind),
        "account": entry.account.purpose,
        "amount": entry.amount,
        "currency": entry.currency,
        "reference": journal.reference,
        "journal_id": journal.pk,
    }


@router.get("/summary", response=SummaryOut)
def summary(request, query: Query[SummaryQuery]):
    """Available, pending (and when the next part becomes available), in escrow and on the
    way out, in one currency."""
    return wallet_summary(owner=request.user, currency=query.currency)


@router.get("/statement", response=WalletStatementOut)
def statement(request, query: Query[StatementQuery]):
    """Your ledger entries (wallet, pending and payout accounts), newest first. Pass
    ``next_cursor`` as ``cursor`` for the next page."""
    filters = StatementFilters(
        date_from=query.date_from, date_to=query.date_to, kind=query.kind, account=query.account
    )
    entries, next_cursor = selectors.statement_page(
        owner=request.user, filters=filters, before=query.cursor, limit=query.limit
    )
    return {"results": [_entry(entry) for entry in entries], "next_cursor": next_cursor}


@router.post("/top-ups", response={201: TopUpOut})
@idempotent
def top_up_create(request, payload: TopUpIn):
    """Start a top-up: the answer has what you pay (``charged``), what your wallet receives
    (``amount``) and the ``checkout_url`` to pay at. The wallet is credited once the provider
    confirms."""
    top_up = services.top_up_start(
        user=request.user,
        amount=payload.amount,
        currency=payload.currency,
        idempotency_key=request.idempotency_key,
    )
    return Status(201, top_up)


@router.get("/top-ups/{top_up_id}", response=TopUpOut)
def top_up_detail(request, top_up_id: int):
    return selectors.top_up_of(owner=request.user, top_up_id=top_up_id)


@router.post("/top-ups/{top_up_id}/refunds", response={201: RefundOut})
@idempotent
def refund_create(request, top_up_id: int, payload: RefundIn):
    """Give unspent money of a completed top-up back to where it came from."""
    refund = services.refund_request(
        user=request.user,
        top_up_id=top_up_id,
        amount=payload.amount,
        idempotency_key=request.idempotency_key,
    )
    return Status(201, refund)


@router.post("/withdrawals", response={201: WithdrawalOut})
@idempotent
def withdrawal_create(request, payload: WithdrawalIn):
    """Withdraw to one of your payout methods. Above the two-factor threshold send
    ``otp_code`` from your authenticator app."""
    withdrawal = services.withdrawal_request(
        user=request.user,
        method_id=payload.method_id,
        amount=payload.amount,
        currency=payload.currency,
        idempotency_key=request.idempotency_key,
        otp_code=payload.otp_code,
    )
    return Status(201, withdrawal)


@router.get("/withdrawals/{withdrawal_id}", response=WithdrawalOut)
def withdrawal_detail(request, withdrawal_id: int):
    return selectors.withdrawal_of(owner=request.user, withdrawal_id=withdrawal_id)


@router.get("/payout-methods", response=list[PayoutMethodOut])
def payout_method_list(request):
    return selectors.payout_methods_of(owner=request.user)


@router.post("/payout-methods", response={201: PayoutMethodOut})
def payout_method_create(request, payload: PayoutMethodIn):
    method = services.payout_method_add(user=request.user, **payload.dict())
    return Status(201, method)


@router.delete("/payout-methods/{method_id}", response={204: None})
def payout_method_delete(request, method_id: int):
    services.payout_method_remove(user=request.user, method_id=method_id)
    return Status(204, None)


@router.post("/webhooks/{provider}", response=WebhookAckOut, auth=None)
def webhook(request, provider: str):
    """A payment provider's signed event (for providers, not people)."""
    result = services.webhook_receive(provider=provider, body=request.body, headers=request.headers)
    return {"outcome": result.outcome}
