"""The payment providers the platform can use, by name. ``JIEDAN_PAYMENT_GATEWAY`` chooses the
one new top-ups and withdrawals go through; each record keeps the name of the provider it went
through, so its events are checked by that provider's adapter even after a switch.

Adding a real provider (Alipay, WeChat Pay, Stripe) is one ``PaymentGateway`` subclass and
one line here; see ``docs/PAYMENT_GATEWAYS.md``.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound

from .base import PaymentGateway

GATEWAYS = {
    "sandbox": "jiedan.payments.gateways.sandbox.SandboxGateway",
}


def gateway_get(name: str) -> PaymentGateway:
    """The adapter of a provider by name; ``NotFound`` for a name we do not know (a webhook to
    an unknown address)."""
    path = GATEWAYS.get(name)
    if path is None:
        raise NotFound(_("No such payment provider."), code="unknown_provider")
    return import_string(path)()


def gateway_current() -> PaymentGateway:
    """The provider configured for new payments."""
    name = settings.JIEDAN_PAYMENT_GATEWAY
    if name not in GATEWAYS:
        raise ImproperlyConfigured(f"JIEDAN_PAYMENT_GATEWAY: unknown payment provider {name!r}")
    return gateway_get(name)
