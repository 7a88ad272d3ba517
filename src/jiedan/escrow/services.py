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
  not flip a flag). From there a dispute ends in one of two moves: settled (the hold split in
  one journal: the freelancer's share to their pending earnings net of the normal commission,
  the commission to platform fees, the client's share back to the wallet of who funded it), or
  withdrawn (the hold back to escrow, as it was).

A release or refund never takes more than is held: the ledger locks the accounts in a fixed
order and refuses to take an escrow account below zero. Every call carries an idempotency key
(the ledger's): repeating it returns the first journal; the same key for another movement is
``idempotency_key_reused``.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput
from jiedan.core.money import money_display, money_positive, money_quantize
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


def _locked_hold(reference: str) -> Account:
    """The dispute hold account of ``reference``, locked; ``dispute_hold_empty`` when it holds
    nothing."""
    hold = (
        Account.objects.select_for_update()
        .filter(purpose=Purpose.DISPUTE_HOLD, reference=reference)
        .first()
    )
    if hold is None or hold.balance <= 0:
        raise Conflict(_("Nothing is held in dispute for this."), code="dispute_hold_empty")
    return hold


@transaction.atomic
def escrow_dispute_return(*, reference: str, idempotency_key: str, memo="", actor=None) -> Journal:
    """Move everything in the dispute hold of ``reference`` back to its escrow (the dispute
    was withdrawn)."""
    if replay := _replayed(idempotency_key, kind="escrow.dispute_returned", reference=reference):
        return replay
    hold = _locked_hold(reference)
    escrow = _escrow_account(reference, hold.currency, funded_by=hold.funded_by)
    return ledger_post(
        idempotency_key=idempotency_key,
        kind="escrow.dispute_returned",
        lines=[Line(hold, -hold.balance), Line(escrow, hold.balance)],
        reference=reference,
        memo=memo,
        actor=actor,
    )


def _settle_lines(hold: Account, payee, freelancer_amount, client_amount):
    """The lines of a settlement and the release split of the freelancer's share (or None)."""
    lines, split = [Line(hold, -hold.balance)], None
    if freelancer_amount:
        split = fees.release_split(freelancer_amount, hold.currency)
        pending = account_get(purpose=Purpose.PENDING, currency=hold.currency, owner=payee)
        lines.append(Line(pending, split.net))
        if split.commission:
            platform = account_get(purpose=Purpose.PLATFORM_FEES, currency=hold.currency)
            lines.append(Line(platform, split.commission))
    if client_amount:
        wallet = account_get(purpose=Purpose.WALLET, currency=hold.currency, owner=hold.funded_by)
        lines.append(Line(wallet, client_amount))
    return [line for line in lines if line.amount], split


@transaction.atomic
def escrow_dispute_settle(
    *,
    reference: str,
    payee,
    freelancer_amount,
    client_amount,
    currency: str,
    idempotency_key: str,
    memo="",
    actor=None,
    now=None,
) -> Journal:
    """Split everything the dispute hold of ``reference`` holds, in one journal:
    ``freelancer_amount`` to the payee's pending earnings net of the normal commission (the
    commission to platform fees; settling a dispute itself costs nothing), ``client_amount``
    back to the wallet of who funded it. The two must add up to exactly what is held
    (``dispute_split_mismatch``); the net share becomes available after the hold period."""
    if replay := _replayed(idempotency_key, kind="escrow.dispute_settled", reference=reference):
        return replay
    freelancer_amount = money_quantize(freelancer_amount, currency)
    client_amount = money_quantize(client_amount, currency)
    hold = _locked_hold(reference)
    if hold.currency != currency:
        raise InvalidInput(_("Escrow for this item is in another currency."), code="currency")
    if (
        freelancer_amount < 0
        or client_amount < 0
        or (freelancer_amount + client_amount != hold.balance)
    ):
        raise Conflict(
            _("The shares must add up to the %(held)s held in dispute.")
            % {"held": money_display(hold.balance, currency)},
            code="dispute_split_mismatch",
        )
    lines, split = _settle_lines(hold, payee, freelancer_amount, client_amount)
    journal = ledger_post(
        idempotency_key=idempotency_key,
        kind="escrow.dispute_settled",
        lines=lines,
        reference=reference,
        memo=memo,
        actor=actor,
    )
    if split is not None and split.net:
        pending_funds_record(
            journal=journal, owner=payee, amount=split.net, currency=currency, now=now
        )
    return journal
