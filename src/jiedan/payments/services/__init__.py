"""Every write of the payments app, one module per subject; import them from here."""

from .common import payment_transition
from .payout_methods import payout_method_add, payout_method_remove
from .refunds import refund_request, refund_submit, refunds_resubmit
from .topups import top_up_start, top_ups_expire
from .webhooks import WebhookResult, webhook_receive
from .withdrawals import withdrawal_request, withdrawal_submit, withdrawals_resubmit

__all__ = [
    "WebhookResult",
    "payment_transition",
    "payout_method_add",
    "payout_method_remove",
    "refund_request",
    "refund_submit",
    "refunds_resubmit",
    "top_up_start",
    "top_ups_expire",
    "webhook_receive",
    "withdrawal_request",
    "withdrawal_submit",
    "withdrawals_resubmit",
]
