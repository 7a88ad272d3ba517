"""Device fingerprints: a hash of stable browser traits posted once per session by
``trust/fingerprint.js``, stored with the address and user agent the request came from."""

import re

from django.db import transaction
from django.utils import timezone

from jiedan.core.errors import InvalidInput

from ..models import DeviceFingerprint
from .risk import risk_event

HASH_PATTERN = re.compile(r"^[0-9a-f]{16,64}$")


@transaction.atomic
def fingerprint_record(
    *, user, session_key: str, device_hash: str, ip: str | None, user_agent: str, country=""
) -> DeviceFingerprint:
    """Store (or touch) this session's device. A device hash the person never used before
    raises the ``device.seen`` event (shared-device rule)."""
    device_hash = (device_hash or "").strip().lower()
    if not HASH_PATTERN.match(device_hash):
        raise InvalidInput(code="bad_fingerprint")
    known = DeviceFingerprint.objects.filter(user=user, hash=device_hash).exists()
    device, created = DeviceFingerprint.objects.get_or_create(
        user=user,
        session_key=session_key or "",
        hash=device_hash,
        defaults={
            "ip": ip or None,
            "user_agent": (user_agent or "")[:300],
            "country": (country or "")[:2].upper(),
        },
    )
    if not created:
        device.ip = ip or device.ip
        device.last_seen = timezone.now()
        device.save(update_fields=["ip", "last_seen"])
    if not known:
        risk_event("device.seen", user, {"device_id": device.pk})
    return device
