"""Background jobs for account security. Safe to run again (an e-mail may go out twice)."""

from celery import shared_task

from . import emails
from .models import KnownDevice


@shared_task
def new_device_email(device_id: int) -> bool:
    """Tell the person about a sign-in from a new device (gone device: nothing to say)."""
    device = KnownDevice.objects.select_related("user").filter(pk=device_id).first()
    if device is None or not device.user.is_active:
        return False
    emails.new_device_email(device)
    return True
