"""Sign-up (allauth) and sign-in (Django) signals: risk events, and the session snapshot of
the person's active actions (the one place this app listens instead of being called)."""

from allauth.account.signals import user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .selectors import session_snapshot_store
from .services import risk_event


@receiver(user_signed_up, dispatch_uid="trust.signed_up")
def _signed_up(sender, request, user, **kwargs):
    risk_event("signed_up", user)


@receiver(user_logged_in, dispatch_uid="trust.logged_in")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_snapshot_store(request, user)
    risk_event("logged_in", user)
