"""Privacy pages: settings, data export, account deletion, the privacy policy and the terms.
Thin: forms in, services out."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiedan.core.errors import DomainError, NotFound
from jiedan.profiles.models import FreelancerProfile

from . import selectors, services
from .downloads import export_response
from .forms import AccountDeleteForm, PrivacySettingsForm
from .models import EXPORT_LIFETIME
from .services.choices import PrivacyChoices


def _initial(user, profile) -> dict:
    chosen = selectors.privacy_settings_of(user=user)
    initial = {
        "allow_recommendations": chosen.allow_recommendations,
        "share_phone": chosen.share_phone,
        "share_wechat_id": chosen.share_wechat_id,
        "share_qq": chosen.share_qq,
        "share_contact_email": chosen.share_contact_email,
    }
    if profile is not None:
        initial.update(visibility=profile.visibility, allow_promotion=profile.allow_promotion)
    return initial


@login_required
def privacy_settings(request):
    profile = FreelancerProfile.objects.filter(user=request.user).first()
    form = PrivacySettingsForm(
        request.POST or None,
        initial=_initial(request.user, profile),
        has_profile=profile is not None,
    )
    if request.method == "POST" and form.is_valid():
        services.privacy_settings_update(
            user=request.user, choices=PrivacyChoices(**form.cleaned_data)
        )
        messages.success(request, _("Your privacy settings are saved."))
        return redirect("privacy:settings")
    return render(request, "privacy/settings.html", {"form": form, "has_profile": bool(profile)})


@login_required
def data_export(request):
    if request.method == "POST":
        try:
            services.data_export_request(user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Your export is being prepared: we will notify you when it is ready.")
            )
        return redirect("privacy:export")
    exports = list(selectors.exports_of(user=request.user)[:10])
    for export in exports:
        export.downloadable = selectors.export_downloadable(export)
    context = {"exports": exports, "lifetime_days": EXPORT_LIFETIME.days}
    return render(request, "privacy/export.html", context)


@login_required
def data_export_download(request, export_id: int):
    try:
        export = selectors.export_for_download(user=request.user, export_id=export_id)
    except NotFound as error:
        raise Http404(str(error.message)) from error
    return export_response(export)


@login_required
def account_delete(request):
    form = AccountDeleteForm(request.POST or None)
    blockers = selectors.deletion_blockers(user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(user=request.user, password=form.cleaned_data["password"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. Thank you for using Jiedan."))
            return redirect("privacy:deleted")
    return render(request, "privacy/delete.html", {"form": form, "blockers": blockers})


def account_deleted(request):
    return render(request, "privacy/deleted.html")


def policy(request):
    return render(request, "privacy/policy.html", {"export_days": EXPORT_LIFETIME.days})


def terms(request):
    return render(request, "privacy/terms.html")
