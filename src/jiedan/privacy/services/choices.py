"""The privacy page's choices. Profile visibility and promotional use of the portfolio live
on the freelancer profile and are written there; the rest on ``PrivacySettings``."""

from dataclasses import dataclass

from django.db import transaction

from jiedan.core.public_pages import public_pages_forget
from jiedan.profiles.models import FreelancerProfile, Visibility
from jiedan.profiles.services import freelancer_search_sync

from ..models import PrivacySettings


@dataclass(frozen=True)
class PrivacyChoices:
    share_phone: bool = False
    share_wechat_id: bool = False
    share_qq: bool = False
    share_contact_email: bool = False
    allow_recommendations: bool = True
    # Only for people with a freelancer profile; ``None`` leaves the profile as it is.
    visibility: str | None = None
    allow_promotion: bool | None = None


@transaction.atomic
def privacy_settings_update(*, user, choices: PrivacyChoices) -> PrivacySettings:
    """Save the person's choices. Visibility and promotion change the freelancer profile (if
    the person has one); the search index and the pages kept for visitors follow the new
    visibility after commit."""
    settings, _created = PrivacySettings.objects.select_for_update().get_or_create(user=user)
    settings.share_phone = choices.share_phone
    settings.share_wechat_id = choices.share_wechat_id
    settings.share_qq = choices.share_qq
    settings.share_contact_email = choices.share_contact_email
    settings.allow_recommendations = choices.allow_recommendations
    settings.save()
    profile = FreelancerProfile.objects.select_for_update().filter(user=user).first()
    if profile is not None:
        if choices.visibility not in (None, profile.visibility):  # visitors see it at once
            transaction.on_commit(public_pages_forget)
        if choices.visibility is not None:
            profile.visibility = Visibility(choices.visibility)
        if choices.allow_promotion is not None:
            profile.allow_promotion = choices.allow_promotion
        profile.save(update_fields=["visibility", "allow_promotion", "updated_at"])
        transaction.on_commit(lambda: freelancer_search_sync(user_id=user.pk))
    return settings
