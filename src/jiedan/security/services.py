"""Writes for account security: remembering the devices people sign in from.

Rules:
- every sign-in through the site's login (password, code or third-party) records its device
  (``KnownDevice``: browser + network, see the model);
- a sign-in from a device not seen before for that account e-mails the person, in their
  language, with a link to their sessions page to sign that session out; the very first
  sign-in of an account has nothing to compare with and sends nothing;
- the e-mail goes out from a background job after the sign-in commits.
"""

import hashlib
import ipaddress

from django.db import IntegrityError, transaction
from django.utils import timezone

from jiedan.core.jobs import enqueue_after_commit

from .models import KnownDevice

USER_AGENT_MAX_LENGTH = 300


def device_fingerprint(*, ip: str | None, user_agent: str) -> str:
    """The digest of the browser and the network its address belongs to."""
    network = ""
    if ip:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            address = None
        if address is not None:
            prefix = 24 if address.version == 4 else 48
            network = str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
    return hashlib.sha256(f"{user_agent}\n{network}".encode()).hexdigest()


@transaction.atomic
def device_sign_in_record(*, user, ip: str | None, user_agent: str) -> bool:
    """Record the device of a sign-in; True when it is new for an account that had others
    (and the "new sign-in" e-mail is queued)."""
    user_agent = user_agent[:USER_AGENT_MAX_LENGTH]
    fingerprint = device_fingerprint(ip=ip, user_agent=user_agent)
    now = timezone.now()
    updated = KnownDevice.objects.filter(user=user, fingerprint=fingerprint).update(
        last_seen_at=now, ip=ip, user_agent=user_agent
    )
    if updated:
        return False
    had_others = KnownDevice.objects.filter(user=user).exists()
    try:
        with transaction.atomic():
            device = KnownDevice.objects.create(
                user=user, fingerprint=fingerprint, user_agent=user_agent, ip=ip, last_seen_at=now
            )
    except IntegrityError:  # the same device signing in twice at once
        return False
    if had_others:
        enqueue_after_commit("jiedan.security.tasks.new_device_email", (device.pk,))
    return had_others
