"""Privacy API under /api/v1/privacy: the caller's privacy settings, the contacts a contract
counterpart shares with them, data exports (request,
status, download) and account deletion (what blocks it; delete with the password). Another
person's export is 404."""

from ninja import Router, Status

from jiedan.contracts.selectors import contract_for_party
from jiedan.profiles.models import FreelancerProfile

from . import selectors, services
from .downloads import export_response
from .schemas import (
    AccountDeletedOut,
    AccountDeleteIn,
    ContactOut,
    DeletionStateOut,
    ExportOut,
    PrivacySettingsIn,
    PrivacySettingsOut,
)
from .services.choices import PrivacyChoices

router = Router(tags=["privacy"])


def _settings_out(user) -> dict:
    chosen = selectors.privacy_settings_of(user=user)
    profile = FreelancerProfile.objects.filter(user=user).only("visibility", "allow_promotion")
    profile = profile.first()
    return {
        "share_phone": chosen.share_phone,
        "share_wechat_id": chosen.share_wechat_id,
        "share_qq": chosen.share_qq,
        "share_contact_email": chosen.share_contact_email,
        "allow_recommendations": chosen.allow_recommendations,
        "visibility": profile.visibility if profile else None,
        "allow_promotion": profile.allow_promotion if profile else None,
    }


def _export_out(request, export) -> dict:
    url = None
    if selectors.export_downloadable(export):
        url = request.build_absolute_uri(f"/api/v1/privacy/exports/{export.pk}/download")
    return {
        "id": export.pk,
        "status": export.status,
        "size": export.size,
        "requested_at": export.requested_at,
        "ready_at": export.ready_at,
        "expires_at": export.expires_at,
        "download_url": url,
    }


@router.get("/settings", response=PrivacySettingsOut)
def settings_get(request):
    """Visibility and promotion are ``null`` for someone without a freelancer profile."""
    return _settings_out(request.user)


@router.put("/settings", response=PrivacySettingsOut)
def settings_put(request, payload: PrivacySettingsIn):
    services.privacy_settings_update(
        user=request.user, choices=PrivacyChoices(**payload.model_dump())
    )
    return _settings_out(request.user)


@router.get("/contracts/{contract_id}/contacts", response=list[ContactOut])
def contract_contacts(request, contract_id: int):
    """What the other party of one of your contracts shares with you: empty unless the
    contract is active or paused; someone else's contract is 404."""
    contract = contract_for_party(user=request.user, contract_id=contract_id)
    pairs = selectors.shared_contacts(contract=contract, viewer=request.user)
    return [{"label": label, "value": value} for label, value in pairs]


@router.get("/exports", response=list[ExportOut])
def export_list(request):
    return [_export_out(request, e) for e in selectors.exports_of(user=request.user)[:10]]


@router.post("/exports", response={202: ExportOut})
def export_request(request):
    """Queue an archive of everything about the caller; 409 ``export_too_soon`` within a day of
    the last one. Poll the export until ``status`` is ``ready``."""
    export = services.data_export_request(user=request.user)
    return Status(202, _export_out(request, export))


@router.get("/exports/{export_id}", response=ExportOut)
def export_get(request, export_id: int):
    return _export_out(request, selectors.export_for_owner(user=request.user, export_id=export_id))


@router.get("/exports/{export_id}/download")
def export_download(request, export_id: int):
    """The ZIP, while ready and not expired (7 days); 404 otherwise."""
    return export_response(selectors.export_for_download(user=request.user, export_id=export_id))


@router.get("/deletion", response=DeletionStateOut)
def deletion_state(request):
    """Whether the account can be deleted now, and what blocks it."""
    blockers = selectors.deletion_blockers(user=request.user)
    return {"can_delete": not blockers, "blockers": [vars(b) for b in blockers]}


@router.post("/deletion", response=AccountDeletedOut)
def account_delete(request, payload: AccountDeleteIn):
    """Delete the caller's account (403 ``wrong_password``, 409 ``deletion_blocked``)."""
    services.account_delete(user=request.user, password=payload.password)
    return {"deleted": True}
