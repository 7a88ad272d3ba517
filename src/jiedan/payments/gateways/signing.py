"""Timestamped HMAC-SHA256 webhook signatures (the scheme Stripe uses, and the sandbox's).

The header is ``t=<unix seconds>,v1=<hex digest>``; the digest is HMAC-SHA256 with the shared
secret over ``"<t>." + body``. Several ``v1=`` values may be sent while a secret is rotated;
one matching is enough. A signature is refused when its timestamp is further than the
tolerance from now (a captured request cannot be replayed later), and compared in constant
time.
"""

import hashlib
import hmac
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from .base import WebhookRejected

SCHEME = "v1"


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, body: bytes, timestamp: int) -> str:
    return f"t={timestamp},{SCHEME}={_digest(secret, timestamp, body)}"


def _parts(header: str) -> tuple[int, list[str]]:
    timestamp, signatures = None, []
    for item in header.split(","):
        key, _sep, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise WebhookRejected(_("The signature header is malformed."), code="signature_malformed")
    return timestamp, signatures


def signature_verify(
    *, secret: str, body: bytes, header: str | None, now: datetime, tolerance: int
) -> None:
    """Raise ``WebhookRejected`` unless ``header`` signs ``body`` with ``secret`` within
    ``tolerance`` seconds of ``now``."""
    if not header:
        raise WebhookRejected(_("The signature header is missing."), code="signature_missing")
    timestamp, signatures = _parts(header)
    if abs(now.timestamp() - timestamp) > tolerance:
        raise WebhookRejected(
            _("The signature is too old or from the future."), code="signature_expired"
        )
    expected = _digest(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, given) for given in signatures):
        raise WebhookRejected(_("The signature does not match."), code="signature_invalid")
