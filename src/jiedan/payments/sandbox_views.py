"""The sandbox provider's hosted pages: the checkout where a payer pays or declines, and the
sandbox bank where a payout is paid or rejected. Like a real provider's pages they need no
sign-in to this site: the unguessable token in the address is the key."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from jiedan.core.errors import Conflict, NotFound

from .gateways import sandbox
from .models import SandboxOperation

Kind = SandboxOperation.Kind


def _operation(kind: str, token: str) -> SandboxOperation:
    try:
        return sandbox.sandbox_operation(kind=kind, token=token)
    except NotFound as error:
        raise Http404(error.message) from error


def _decide(request, kind: str, token: str, *, succeeded: bool, reason: str) -> None:
    try:
        sandbox.sandbox_decide(kind=kind, token=token, succeeded=succeeded, reason=reason)
    except Conflict as error:
        messages.error(request, error.message)


def sandbox_checkout(request, token: str):
    """GET: the amount and the two choices. POST ``choice=pay|decline``: decide, then back
    to the merchant's return address, as a hosted checkout does."""
    operation = _operation(Kind.CHARGE, token)
    choice = request.POST.get("choice")
    if request.method == "POST" and choice in ("pay", "decline"):
        _decide(request, Kind.CHARGE, token, succeeded=choice == "pay", reason="declined_by_payer")
        back = operation.return_url
        safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
        return redirect(back if back and safe else "payments:wallet")
    return render(request, "payments/sandbox_checkout.html", {"operation": operation})


def sandbox_payout(request, token: str):
    """GET: the payout and the two choices. POST ``choice=pay|reject``: the bank decides."""
    operation = _operation(Kind.PAYOUT, token)
    choice = request.POST.get("choice")
    if request.method == "POST" and choice in ("pay", "reject"):
        _decide(request, Kind.PAYOUT, token, succeeded=choice == "pay", reason="rejected_by_bank")
        return redirect("payments:sandbox_payout", token=token)
    return render(request, "payments/sandbox_payout.html", {"operation": operation})
