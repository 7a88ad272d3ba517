"""The payment gateway interface: what the platform asks of a payment provider, and what the
provider tells the platform back.

Four calls, all keyed by the platform's own ``reference`` (``topup_12``, ``withdrawal_7``,
``refund_3``):

- ``charge_create``: start taking ``amount`` from a payer; answers where to send the payer
  (the provider's hosted checkout).
- ``payout_create``: send ``amount`` to a person's account or bank.
- ``refund_create``: give ``amount`` of an earlier charge back to the card or account it came
  from.
- ``webhook_parse``: check a webhook's signature and turn it into a ``GatewayEvent``.

Rules every adapter keeps:

- The three ``*_create`` calls are idempotent on ``reference``: calling again after a timeout
  or a crash returns the first answer and never charges or pays twice. (Real providers offer
  this as an idempotency key or a merchant order number.)
- Their outcome is never the answer to the call but an event delivered later by webhook
  (``charge.succeeded``, ``payout.failed``, …). A call raises ``GatewayDeclined`` when the
  provider refuses at once, and ``GatewayUnavailable`` when it cannot be reached (try again).
- ``webhook_parse`` refuses (``WebhookRejected``) a body whose signature does not verify or
  whose timestamp is outside the tolerance window; the caller stores each (provider, event id)
  once, so a replay inside the window changes nothing either.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, DomainError, TryAgain


class EventType(StrEnum):
    CHARGE_SUCCEEDED = "charge.succeeded"
    CHARGE_FAILED = "charge.failed"
    PAYOUT_PAID = "payout.paid"
    PAYOUT_FAILED = "payout.failed"
    REFUND_SUCCEEDED = "refund.succeeded"
    REFUND_FAILED = "refund.failed"


@dataclass(frozen=True)
class GatewayEvent:
    """A verified provider event about one of our references."""

    provider: str
    event_id: str
    type: EventType
    reference: str
    provider_reference: str
    amount: Decimal
    currency: str
    failure_reason: str
    occurred_at: datetime
    payload: dict


@dataclass(frozen=True)
class Checkout:
    """A started charge: the provider's id for it and where the payer goes to pay."""

    provider_reference: str
    checkout_url: str


@dataclass(frozen=True)
class PayoutDestination:
    """Where a payout goes, decrypted only for the call to the provider."""

    kind: str
    holder_name: str
    account: str
    bank_name: str = ""


class WebhookRejected(DomainError):
    """The body is not from the provider (bad signature), too old or new, or unreadable."""

    status = 400
    code = "webhook_rejected"
    default_message = _("The webhook could not be verified.")


class GatewayDeclined(Conflict):
    """The provider refused the request outright (it will not happen later either)."""

    code = "gateway_declined"
    default_message = _("The payment provider declined this.")


class GatewayUnavailable(TryAgain):
    """The provider could not be reached or answered with an error: safe to try again."""

    code = "gateway_unavailable"
    default_message = _("The payment provider cannot be reached. Try again in a moment.")


class PaymentGateway(ABC):
    """One payment provider. ``name`` is its key in ``JIEDAN_PAYMENT_GATEWAY`` and in the
    webhook address ``/api/v1/wallet/webhooks/<name>``."""

    name: str

    @abstractmethod
    def charge_create(
        self, *, reference: str, amount: Decimal, currency: str, description: str, return_url: str
    ) -> Checkout: ...

    @abstractmethod
    def payout_create(
        self, *, reference: str, amount: Decimal, currency: str, destination: PayoutDestination
    ) -> str:
        """Returns the provider's id for the payout."""

    @abstractmethod
    def refund_create(
        self, *, reference: str, charge_reference: str, amount: Decimal, currency: str
    ) -> str:
        """``charge_reference`` is the provider's id of the charge; returns the refund's id."""

    @abstractmethod
    def webhook_parse(
        self, *, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> GatewayEvent: ...
