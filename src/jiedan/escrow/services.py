"""Writes for escrow commitments (see ``models`` for what they stand for).

Rules:

- One currency per reference, fixed by its first hold.
- A release or refund never takes more than is still held; the reference's hold rows are
  locked first (``select_for_update``, by primary key) so concurrent payouts cannot overdraw.
- Every call carries an idempotency key: repeating a call with the same key and the same
  movement returns the first row; the same key for a different movement is a ``Conflict``.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput
from jiedan.core.money import money_positive

from .models import EscrowMovement, MovementKind
from .selectors import escrow_balance


def _replayed(key: str, *, reference: str, kind: str, party, amount: Decimal, currency: str):
    existing = EscrowMovement.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    same = (existing.reference, existing.kind, existing.party_id, existing.currency) == (
        reference,
        kind,
        party.pk,
        currency,
    ) and existing.amount == amount
    if not same:
        raise Conflict(
            _("This idempotency key was already used for another movement."),
            code="idempotency_key_reused",
        )
    return existing


def _locked_holds(reference: str) -> list[EscrowMovement]:
    return list(
        EscrowMovement.objects.select_for_update()
        .filter(reference=reference, kind=MovementKind.HOLD)
        .order_by("pk")
    )


def _record(*, reference, kind, party, amount, currency, idempotency_key, memo):
    amount = money_positive(amount, currency)
    if replay := _replayed(
        idempotency_key,
        reference=reference,
        kind=kind,
        party=party,
        amount=amount,
        currency=currency,
    ):
        return replay
    holds = _locked_holds(reference)
    if holds and holds[0].currency != currency:
        raise InvalidInput(_("Escrow for this item is in another currency."), code="currency")
    if kind != MovementKind.HOLD:
        if not holds:
            raise Conflict(_("Nothing is held in escrow for this."), code="escrow_empty")
        if amount > escrow_balance(reference=reference):
            raise Conflict(_("This is more than is left in escrow."), code="escrow_insufficient")
    return EscrowMovement.objects.create(
        reference=reference,
        kind=kind,
        party=party,
        amount=amount,
        currency=currency,
        idempotency_key=idempotency_key,
        memo=memo[:200],
    )


@transaction.atomic
def escrow_hold(*, reference: str, payer, amount, currency: str, idempotency_key: str, memo=""):
    """Set ``amount`` of the payer's money aside for ``reference``."""
    return _record(
        reference=reference,
        kind=MovementKind.HOLD,
        party=payer,
        amount=amount,
        currency=currency,
        idempotency_key=idempotency_key,
        memo=memo,
    )


@transaction.atomic
def escrow_release(*, reference: str, payee, amount, currency: str, idempotency_key: str, memo=""):
    """Pay ``amount`` of what is held for ``reference`` to ``payee`` (a freelancer)."""
    return _record(
        reference=reference,
        kind=MovementKind.RELEASE,
        party=payee,
        amount=amount,
        currency=currency,
        idempotency_key=idempotency_key,
        memo=memo,
    )


@transaction.atomic
def escrow_refund(*, reference: str, payer, amount, currency: str, idempotency_key: str, memo=""):
    """Return ``amount`` of what is held for ``reference`` to the client who paid it."""
    return _record(
        reference=reference,
        kind=MovementKind.REFUND,
        party=payer,
        amount=amount,
        currency=currency,
        idempotency_key=idempotency_key,
        memo=memo,
    )


@transaction.atomic
def escrow_refund_rest(*, reference: str, payer, idempotency_key: str, memo=""):
    """Return whatever is still held for ``reference`` to the payer; None when nothing is
    left."""
    holds = _locked_holds(reference)
    balance = escrow_balance(reference=reference)
    if not holds or balance <= 0:
        return None
    return escrow_refund(
        reference=reference,
        payer=payer,
        amount=balance,
        currency=holds[0].currency,
        idempotency_key=idempotency_key,
        memo=memo,
    )
