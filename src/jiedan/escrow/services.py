"""Escrow: money a client sets aside for work — a contract milestone, a contest prize, a
piece-rate budget — held in the ledger's escrow account for that ``reference`` until it is
paid to a freelancer or returned. Each function posts exactly one ledger journal:

- hold: the payer's wallet → escrow. The escrow account opens funded by the payer and in one
  currency; only that payer adds to it. A wallet that is short is ``wallet_insufficient``.
- release: escrow → the payee's pending earnings (net of the commission, see ``ledger.fees``)
  and the commission → platform fee revenue, in one journal. The net amount becomes
  available after the hold period (``ledger.services.pending_funds_record``).
- refund: escrow → the wallet of the person who funded it.
- dispute hold: escrow → the reference's dispute hold account (a dispute moves money, it does
  not flip a flag); the disputes work splits it from there.

A release or refund never takes more than is held: the ledger locks the accounts in a fixed
order and refuses to take an escrow account below zero. Every call carries an idempotency key
(the ledger's): repeating it returns the first journal; the same key for another movement is
``idempotency_key_reused``.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput
from jiedan.core.money import money_display, money_positive
from jiedan.ledger import fees
from jiedan.ledger.models import Account, Journal, Purpose
from jiedan.ledger.selectors import journal_for_key
from jiedan.ledger.services import Line, account_get, ledger_post, pending_funds_record

MAX_AMOUNT = Decimal("999999999")


def _escrow_account(reference: str, currency: str, funded_by=None) -> Account:
    return account_get(
        purpose=Purpose.ESCROW, currency=currency, reference=reference, funded_by=funded_by
    )


def _held_account(reference: str) -> Account:
    """The escrow account of ``reference``; ``escrow_empty`` when nothing was ever held."""
    account = Account.objects.filter(purpose=Purpose.ESCROW, reference=reference).first()
    if account is None:
        raise Conflict(_("Nothing is held in escrow for this."), code="escrow_empty")
    return account


def _post_checked(**kwargs) -> Journal:
    """``ledger_post`` where an escrow going below zero reads as "more than is held"."""
    try:
        return ledger_post(**kwargs)
    except Conflict as error:
        if error.code != "insufficient_funds":
            raise
        raise Conflict(
            _("This is more than is left in escrow."), code="escrow_insufficient"
        ) from error


def _replayed(idempotency_key: str, *, kind: str, reference: str) -> Journal | None:
    """The journal already posted with this key (for moves whose amount is "whatever is
    left", so a repeat cannot be compared by amount); another kind of move is refused."""
    journal = journal_for_key(idempotency_key=idempotency_key)
    if journal is not None and (journal.kind, journal.reference) != (kind, reference):
        raise InvalidInput(
            _("This idempotency key was already used for a different request."),
            code="idempotency_key_reused",
        )
    return journal


def _wallet_short(wallet: Account, amount: Decimal) -> Conflict:
    return Conflict(
        _("Your wallet has %(balance)s; top up %(missing)s more first.")
        % {
            "balance": money_display(wallet.balance, wallet.currency),
            "missing": money_display(amount - wallet.balance, wallet.currency),
        },
        code="wallet_insufficient",
    )


@transaction.atomic
def escrow_hold(
    *, reference: str, payer, amount, currency: str, idempotency_key: str, memo=""
) -> Journal:
    """Move ``amount`` from the payer's wallet into escrow for ``reference``."""
    amount = money_positive(amount, currency, maximum=MAX_AMOUNT)
    held = Account.objects.filter(purpose=Purpose.ESCROW, reference=reference)
    if held.exclude(currency=currency).exists():
        raise InvalidInput(_("Escrow for this item is in another currency."), code="currency")
    escrow = _escrow_account(reference, currency, funded_by=payer)
    if escrow.funded_by_id != payer.pk:
        raise Conflict(_("Someone else funds this escrow."), code="escrow_other_payer")
    wallet = account_get(purpose=Purpose.WALLET, currency=currency, owner=payer)
    try:
        return ledger_post(
            idempotency_key=idempotency_key,
            kind="escrow.held",
            lines=[Line(wallet, -amount), Line(escrow, amount)],
            reference=reference,
            memo=memo,
            actor=payer,
        )
    except Conflict as error:
        if error.code != "insufficient_funds":
            raise
        wallet.refresh_from_db(fields=["balance"])
        raise _wallet_short(wallet, amount) from error


def _check_currency(escrow: Account, currency: str) -> None:
    if escrow.currency != currency:
        raise InvalidInput(_("Escrow for this item is in another currency."), code="currency")


@transaction.atomic
def escrow_release(
    *,
    reference: str,
    payee,
    amount,
    currency: str,
    idempotency_key: str,
    memo="",
    actor=None,
    now=None,
) -> Journal:
    """Pay ``amount`` of what is held for ``reference`` to ``payee``: the net share to their
    pending earnings (available a hold period after ``now``), the commission to the platform,
    in one journal."""
    escrow = _held_account(reference)
    _check_currency(escrow, currency)
    split = fees.release_split(amount, currency)
    lines = [
        Line(escrow, -split.gross),
        Line(account_get(purpose=Purpose.PENDING, currency=currency, owner=payee), split.net),
    ]
    if split.commission:
        fee_account = account_get(purpose=Purpose.PLATFORM_FEES, currency=currency)
        lines.append(Line(fee_account, split.commission))
    journal = _post_checked(
        idempotency_key=idempotency_key,
        kind="escrow.released",
        lines=lines,
        reference=reference,
        memo=memo,
        actor=actor,
    )
    pending_funds_record(journal=journal, owner=payee, amount=split.net, currency=currency, now=now)
    return journal


@transaction.atomic
def escrow_refund(
    *, reference: str, payer, amount, currency: str, idempotency_key: str, memo="", actor=None
) -> Journal:
    """Return ``amount`` of what is held for ``reference`` to the wallet of who funded it."""
    amount = money_positive(amount, currency, maximum=MAX_AMOUNT)
    escrow = _held_account(reference)
    _check_currency(escrow, currency)
    if escrow.funded_by_id != payer.pk:
        raise Conflict(_("Only the person who paid in gets it back."), code="escrow_other_payer")
    wallet = account_get(purpose=Purpose.WALLET, currency=currency, owner=payer)
    return _post_checked(
        idempotency_key=idempotency_key,
        kind="escrow.refunded",
        lines=[Line(escrow, -amount), Line(wallet, amount)],
        reference=reference,
        memo=memo,
        actor=actor,
    )


@transaction.atomic
def escrow_refund_rest(*, reference: str, payer, idempotency_key: str, memo="", actor=None):
    """Return whatever is still held for ``reference`` to the payer; the first journal on a
    replay, None when nothing is left."""
    if replay := _replayed(idempotency_key, kind="escrow.refunded", reference=reference):
        return replay
    escrow = (
        Account.objects.select_for_update()
        .filter(purpose=Purpose.ESCROW, reference=reference)
        .first()
    )
    if escrow is None or escrow.balance <= 0:
        return None
    return escrow_refund(
        reference=reference,
        payer=payer,
        amount=escrow.balance,
        currency=escrow.currency,
        idempotency_key=idempotency_key,
        memo=memo,
        actor=actor,
    )


@transaction.atomic
def escrow_dispute_hold(*, reference: str, idempotency_key: str, memo="", actor=None) -> Journal:
    """Move everything held for ``reference`` to its dispute hold account, where neither party
    can touch it until the dispute is settled."""
    if replay := _replayed(idempotency_key, kind="escrow.disputed", reference=reference):
        return replay
    escrow = (
        Account.objects.select_for_update()
        .filter(purpose=Purpose.ESCROW, reference=reference)
        .first()
    )
    if escrow is None or escrow.balance <= 0:
        raise Conflict(_("Nothing is held in escrow for this."), code="escrow_empty")
    hold = account_get(
        purpose=Purpose.DISPUTE_HOLD,
        currency=escrow.currency,
        reference=reference,
        funded_by=escrow.funded_by,
    )
    return ledger_post(
        idempotency_key=idempotency_key,
        kind="escrow.disputed",
        lines=[Line(escrow, -escrow.balance), Line(hold, escrow.balance)],
        reference=reference,
        memo=memo,
        actor=actor,
    )
