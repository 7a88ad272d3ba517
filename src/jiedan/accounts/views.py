"""Account pages: settings, mode switch, personal access tokens. Thin: forms in, services out."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError

from . import services
from .forms import AccessTokenForm, AccountSettingsForm, ModeForm
from .selectors import access_tokens_of


@login_required
def account_settings(request):
    form = AccountSettingsForm(
        request.POST or None,
        initial={"display_name": request.user.display_name, "language": request.user.language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_settings_update(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your settings are saved."))
            if user.language:
                translation.activate(user.language)
                response = redirect("accounts:settings")
                response.set_cookie("django_language", user.language, samesite="Lax")
                return response
            response = redirect("accounts:settings")
            # "Follow my browser": forget a language chosen earlier, or it would still apply.
            response.delete_cookie("django_language", samesite="Lax")
            return response
    return render(request, "accounts/settings.html", {"form": form})


@login_required
@require_POST
def mode_switch(request):
    form = ModeForm(request.POST)
    if form.is_valid():
        services.user_mode_switch(user=request.user, mode=form.cleaned_data["mode"])
        label = request.user.get_mode_display()
        messages.success(request, _("Switched to %(mode)s mode.") % {"mode": label})
    else:
        messages.error(request, _("Unknown mode."))
    return redirect("web:dashboard")


@login_required
def access_tokens(request):
    form = AccessTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.access_token_create(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            form = AccessTokenForm()
    context = {"form": form, "issued": issued, "tokens": access_tokens_of(user=request.user)}
    return render(request, "accounts/access_tokens.html", context)


@login_required
@require_POST
def access_token_revoke(request, token_id: int):
    try:
        token = services.access_token_revoke(user=request.user, token_id=token_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:access_tokens")


def lockout_response(request, original_response, credentials):
    """django-axes lockout: a JSON error for the API, a clear page for people (both 429)."""
    message = _(
        "Too many failed sign-in attempts. For your safety this account is locked for "
        "%(minutes)s minutes. Try again later or reset your password."
    ) % {"minutes": _lockout_minutes()}
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": message}, status=429)
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)


def _lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
