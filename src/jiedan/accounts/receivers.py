"""Reactions to allauth's account events (the edge where allauth tells us what happened)."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver

from . import services


@receiver(password_changed)
@receiver(password_reset)
@receiver(password_set)
def revoke_access_tokens_on_new_password(sender, request, user, **kwargs):
    """A new password usually follows a suspected compromise: tokens made before stop working."""
    services.access_tokens_revoke_all(user=user)
