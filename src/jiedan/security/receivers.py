"""Reactions to allauth's sign-in (the edge where allauth tells us what happened)."""

from allauth.account.adapter import get_adapter
from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from . import services


@receiver(user_logged_in)
def record_sign_in_device(sender, request, user, **kwargs):
    """Every sign-in through the site remembers its device; a new one e-mails the person."""
    services.device_sign_in_record(
        user=user,
        ip=get_adapter(request).get_client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
