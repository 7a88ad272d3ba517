"""Withdrawals: money leaves a person's wallet for one of their payout methods.

Rules (``withdrawal_request``), all checked before anything is written; a refused request
changes no balance and creates no row:

- the payout method is the person's own and not removed (anyone else's is "not found");
- the amount is at least ``JIEDAN_WITHDRAWAL_MINIMUM`` and at most what is available in the
  wallet (checked with the wallet locked, so parallel requests cannot overdraw it);
- above ``JIEDAN_WITHDRAWAL_MFA_THRESHOLD`` the person must have two-factor authentication
  and send a current code from their authenticator app (``mfa_required``, ``otp_required``,
  ``otp_invalid``); code guesses are rate-limited per person.

The flat fee comes from ``ledger.fees.withdrawal_quote``: the amount leaves the wallet and
``paid_out`` (amount − fee) reaches the account. Journals: ``withdrawal.requested`` (wallet →
payout), then ``withdrawal.paid`` (payout → gateway clearing + fee revenue) or
``withdrawal.returned`` (payout → wallet); see ``outgoing`` for the steps.
"""

from datetime import datetime
from decimal import Decimal

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, NotFound, PermissionDenied
from jiedan.core.money import money_display
from jiedan.core.ratelimit import ratelimit_hit
from jiedan.ledger import fees
from jiedan.ledger.models import Purpose
from jiedan.ledger.services import Line
from jiedan.payments import locks
from jiedan.payments.gateways import gateway_current, gateway_get
from jiedan.payments.gateways.base import EventType, GatewayEvent, PayoutDestination
from jiedan.payments.models import PayoutMethod, WebhookEvent, Withdrawal
from jiedan.trust.hooks import feature_ensure, risk_event

from . import outgoing
from .common import (
    fingerprint,
    history_start,
    key_checked,
    platform_account,
    reference_id,
    replay_of,
    run_after_commit,
    signed_in,
    wallet_and_payout_locked,
)

Status = Withdrawal.Status
SUBMIT_TASK = "jiedan.payments.tasks.submit_withdrawal"


def _own_method(user, method_id) -> PayoutMethod:
    method = PayoutMethod.objects.filter(pk=method_id, user=user, removed_at__isnull=True).first()
    if method is None:
        raise NotFound(_("No such payout method."), code="payout_method_not_found")
    return method


def _second_factor_check(user, amount: Decimal, currency: str, otp_code: str) -> None:
    if amount <= Decimal(settings.JIEDAN_WITHDRAWAL_MFA_THRESHOLD):
        return
    authenticators = list(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP))
    threshold = money_display(settings.JIEDAN_WITHDRAWAL_MFA_THRESHOLD, currency)
    if not authenticators:
        raise PermissionDenied(
            _("Turn on two-factor authentication to withdraw more than %(threshold)s.")
            % {"threshold": threshold},
            code="mfa_required",
        )
    code = (otp_code or "").strip()
    if not code:
        raise PermissionDenied(
            _("Enter the code from your authenticator app to withdraw more than %(threshold)s.")
            % {"threshold": threshold},
            code="otp_required",
        )
    rate = settings.API_SECOND_FACTOR_RATE_LIMIT
    ratelimit_hit(scope="payments.withdrawal.otp", key=str(user.pk), rate=rate)
    if not any(TOTP(authenticator).validate_code(code) for authenticator in authenticators):
        raise PermissionDenied(_("The authentication code is wrong."), code="otp_invalid")


@transaction.atomic
def withdrawal_request(
    *, user, method_id: int, amount, currency: str, idempotency_key: str, otp_code: str = ""
) -> Withdrawal:
    """Take ``amount`` out of the wallet to the payout method (see the module's rules). Once
    per idempotency key: a repeat returns the first withdrawal and needs no new code."""
    signed_in(user)
    key = key_checked(idempotency_key)
    quote = fees.withdrawal_quote(amount, currency)
    request = fingerprint(method=str(method_id), amount=quote.amount, currency=currency)
    if done := replay_of(Withdrawal, user=user, idempotency_key=key, request_fingerprint=request):
        return done
    feature_ensure(user, "withdraw")  # held payouts, a suspension or an unmet requirement
    method = _own_method(user, method_id)
    gateway = gateway_current()
    wallet, payout = wallet_and_payout_locked(user, currency)
    # A repeat that waited for the locks finds the first request committed by now.
    if done := replay_of(Withdrawal, user=user, idempotency_key=key, request_fingerprint=request):
        return done
    if wallet.balance < quote.amount:
        raise Conflict(
            _("You can withdraw at most %(available)s.")
            % {"available": money_display(wallet.balance, currency)},
            code="insufficient_funds",
        )
    _second_factor_check(user, quote.amount, currency, otp_code)
    withdrawal = Withdrawal.objects.create(
        user=user,
        method=method,
        amount=quote.amount,
        fee=quote.fee,
        paid_out=quote.paid_out,
        currency=currency,
        gateway=gateway.name,
        idempotency_key=key,
        request_fingerprint=request,
    )
    outgoing.money_hold(
        withdrawal,
        kind="withdrawal.requested",
        wallet=wallet,
        payout=payout,
        memo=f"withdrawal to {method.kind} {method.masked}",
    )
    history_start(withdrawal, to=Status.REQUESTED, actor=user)
    run_after_commit(SUBMIT_TASK, withdrawal.pk)
    risk_event(
        "withdrawal.requested",
        user,
        {"id": withdrawal.pk, "amount": str(withdrawal.amount), "currency": currency},
    )
    return withdrawal


def _destination(withdrawal: Withdrawal) -> PayoutDestination:
    method = withdrawal.method
    return PayoutDestination(
        kind=method.kind,
        holder_name=method.holder_name,
        account=method.account,
        bank_name=method.bank_name,
    )


def withdrawal_submit(*, withdrawal_id: int) -> Withdrawal:
    """Hand a requested withdrawal to the provider (the job queued after the request)."""

    def send(withdrawal: Withdrawal) -> str:
        return gateway_get(withdrawal.gateway).payout_create(
            reference=withdrawal.reference,
            amount=withdrawal.paid_out,
            currency=withdrawal.currency,
            destination=_destination(withdrawal),
        )

    return outgoing.record_send(
        Withdrawal, locks.withdrawals, withdrawal_id, send, return_kind="withdrawal.returned"
    )


def withdrawals_resubmit(*, now: datetime) -> int:
    """Send again the withdrawals the provider never acknowledged; returns how many."""
    waiting = outgoing.records_waiting(Withdrawal, now=now)
    for withdrawal_id in waiting:
        withdrawal_submit(withdrawal_id=withdrawal_id)
    return len(waiting)


def withdrawal_event(event: GatewayEvent, stored: WebhookEvent) -> tuple[str, str]:
    """Apply a ``payout.*`` event; (outcome, note) for the event record."""
    withdrawal = (
        locks.withdrawals()
        .filter(pk=reference_id(event.reference, Withdrawal), gateway=event.provider)
        .first()
    )
    expected = withdrawal.paid_out if withdrawal else None
    if problem := outgoing.event_check(withdrawal, event, expected):
        return WebhookEvent.Outcome.IGNORED, problem
    if event.type == EventType.PAYOUT_FAILED:
        reason = event.failure_reason or "failed"
        return outgoing.money_return(
            withdrawal, kind="withdrawal.returned", reason=reason, stored=stored
        )
    lines = [outgoing.clearing_line(withdrawal, withdrawal.paid_out)]
    if withdrawal.fee:
        fees_account = platform_account(Purpose.PLATFORM_FEES, withdrawal.currency)
        lines.append(Line(fees_account, withdrawal.fee))
    return outgoing.money_complete(
        withdrawal, kind="withdrawal.paid", to=Status.PAID, lines=lines, event=event, stored=stored
    )
