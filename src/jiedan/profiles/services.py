"""Writes for profiles: the freelancer's shop window, portfolio uploads and client profiles.

Every function acts on the profile of ``user`` only; there is no way to name someone else's
profile. Portfolio items and files are looked up through the owner's profile, so another
person's id is simply "not found".
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import InvalidInput, NotFound
from jiedan.core.images import image_check, image_square_thumbnail, image_watermarked_preview
from jiedan.core.money import money_positive
from jiedan.core.public_pages import public_pages_forget
from jiedan.core.uploads import upload_check
from jiedan.search.services import search_document_put, search_document_remove
from jiedan.taxonomy.models import Category, Skill

from .models import (
    MAX_FILES_PER_ITEM,
    MAX_PORTFOLIO_ITEMS,
    MAX_PROFILE_SKILLS,
    SEARCH_KIND,
    Certification,
    ClientProfile,
    FreelancerProfile,
    PortfolioFile,
    PortfolioItem,
    ProfileSkill,
    ServiceMode,
    SpokenLanguage,
    Visibility,
)

AVATAR_SIDE = 512
PREVIEW_SIDE = 1200
WATERMARK = "JIEDAN PREVIEW"


@dataclass(frozen=True)
class ProfileDetails:
    headline: str
    bio: str
    hourly_rate: object
    currency: str
    languages: list[str]
    city: str
    service_mode: str
    service_radius_km: int | None
    availability: str
    years_experience: int
    visibility: str
    allow_promotion: bool


@dataclass(frozen=True)
class ContactDetails:
    phone: str = ""
    wechat_id: str = ""
    qq: str = ""
    contact_email: str = ""


def freelancer_profile_ensure(*, user) -> FreelancerProfile:
    """The user's freelancer profile, created empty on first use."""
    profile, _created = FreelancerProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def freelancer_profile_update(*, user, details: ProfileDetails) -> FreelancerProfile:
    """Save the public details. Local work needs a city and a service radius (1–500 km). A
    change of visibility also drops the pages kept for visitors (``core.public_pages``)."""
    profile = FreelancerProfile.objects.select_for_update().get(
        pk=freelancer_profile_ensure(user=user).pk
    )
    visibility_before = profile.visibility
    unknown = set(details.languages) - set(SpokenLanguage.values)
    if unknown:
        raise InvalidInput(_("Unknown language."), code="unknown_language")
    works_locally = details.service_mode in (ServiceMode.LOCAL, ServiceMode.BOTH)
    if works_locally and not (details.city and details.service_radius_km):
        raise InvalidInput(
            _("In-person work needs your city and how far you travel."), code="local_needs_area"
        )
    if details.service_radius_km is not None and not 1 <= details.service_radius_km <= 500:
        raise InvalidInput(_("The service radius must be 1 to 500 km."), code="invalid_radius")
    for field, value in vars(details).items():
        setattr(profile, field, value)
    if details.hourly_rate is not None:
        profile.hourly_rate = money_positive(details.hourly_rate, details.currency)
    profile.languages = [code for code in SpokenLanguage.values if code in details.languages]
    profile.service_radius_km = details.service_radius_km if works_locally else None
    profile.full_clean(exclude=["user", "avatar"])
    profile.save()
    _reindex_after_commit(user.pk)
    if profile.visibility != visibility_before:
        transaction.on_commit(public_pages_forget)
    return profile


@transaction.atomic
def freelancer_contacts_update(*, user, contacts: ContactDetails) -> FreelancerProfile:
    """Private contact details: stored encrypted, never shown on the public profile."""
    profile = freelancer_profile_ensure(user=user)
    for field, value in vars(contacts).items():
        setattr(profile, field, value.strip())
    profile.save(update_fields=[*vars(contacts), "updated_at"])
    return profile


@transaction.atomic
def freelancer_skills_set(*, user, skill_ids: list[int]) -> list[Skill]:
    """Replace the profile's skills, keeping the given order (at most ``MAX_PROFILE_SKILLS``)."""
    ordered = list(dict.fromkeys(skill_ids))
    if len(ordered) > MAX_PROFILE_SKILLS:
        raise InvalidInput(
            _("Choose at most %(count)s skills.") % {"count": MAX_PROFILE_SKILLS},
            code="too_many_skills",
        )
    skills = Skill.objects.in_bulk(ordered)
    if len(skills) != len(ordered) or not all(s.is_active for s in skills.values()):
        raise InvalidInput(_("Choose skills from the list."), code="unknown_skill")
    profile = freelancer_profile_ensure(user=user)
    ProfileSkill.objects.filter(profile=profile).delete()
    ProfileSkill.objects.bulk_create(
        ProfileSkill(profile=profile, skill=skills[pk], position=index)
        for index, pk in enumerate(ordered)
    )
    _reindex_after_commit(user.pk)
    return [skills[pk] for pk in ordered]


@transaction.atomic
def freelancer_avatar_set(*, user, upload) -> FreelancerProfile:
    """Replace the photo with a 512 px square JPEG made from a checked image."""
    image_check(upload, max_bytes=5 * 1024 * 1024)
    profile = freelancer_profile_ensure(user=user)
    old = profile.avatar.name
    thumbnail = image_square_thumbnail(upload, side=AVATAR_SIDE, name="avatar.jpg")
    profile.avatar.save(thumbnail.name, thumbnail, save=False)
    profile.save(update_fields=["avatar", "updated_at"])
    if old:
        transaction.on_commit(lambda: profile.avatar.storage.delete(old))
    return profile


@transaction.atomic
def certification_add(*, user, name: str, issuer: str, year: int | None, url: str) -> Certification:
    profile = freelancer_profile_ensure(user=user)
    certification = Certification(profile=profile, name=name, issuer=issuer, year=year, url=url)
    certification.full_clean()
    certification.save()
    return certification


@transaction.atomic
def certification_remove(*, user, certification_id: int) -> None:
    deleted, _counts = Certification.objects.filter(
        pk=certification_id, profile__user=user
    ).delete()
    if not deleted:
        raise NotFound(_("No such certification."), code="certification_not_found")


def _own_item(user, item_id: int, *, lock: bool = False) -> PortfolioItem:
    items = PortfolioItem.objects.filter(pk=item_id, profile__user=user)
    item = (items.select_for_update() if lock else items).first()
    if item is None:
        raise NotFound(_("No such portfolio item."), code="portfolio_item_not_found")
    return item


@dataclass(frozen=True)
class PortfolioDetails:
    title: str
    challenge: str
    solution: str
    result: str
    category_id: int | None
    skill_ids: list[int]


def _apply_item_details(item: PortfolioItem, details: PortfolioDetails) -> None:
    if (
        details.category_id is not None
        and not Category.objects.filter(pk=details.category_id).exists()
    ):
        raise InvalidInput(_("Choose a category from the list."), code="unknown_category")
    item.title = details.title.strip()
    item.challenge, item.solution, item.result = details.challenge, details.solution, details.result
    item.category_id = details.category_id
    item.full_clean(exclude=["profile"])
    item.save()
    skills = Skill.objects.filter(pk__in=details.skill_ids, is_active=True)
    if len(set(details.skill_ids)) != skills.count():
        raise InvalidInput(_("Choose skills from the list."), code="unknown_skill")
    item.skills.set(skills)


@transaction.atomic
def portfolio_item_create(*, user, details: PortfolioDetails) -> PortfolioItem:
    """Add a portfolio item (at most ``MAX_PORTFOLIO_ITEMS``), last in order."""
    profile = FreelancerProfile.objects.select_for_update().get(
        pk=freelancer_profile_ensure(user=user).pk
    )
    count = profile.portfolio_items.count()
    if count >= MAX_PORTFOLIO_ITEMS:
        raise InvalidInput(
            _("A portfolio holds at most %(count)s items.") % {"count": MAX_PORTFOLIO_ITEMS},
            code="portfolio_full",
        )
    item = PortfolioItem(profile=profile, position=count)
    _apply_item_details(item, details)
    _reindex_after_commit(user.pk)
    return item


@transaction.atomic
def portfolio_item_update(*, user, item_id: int, details: PortfolioDetails) -> PortfolioItem:
    item = _own_item(user, item_id, lock=True)
    _apply_item_details(item, details)
    _reindex_after_commit(user.pk)
    return item


@transaction.atomic
def portfolio_item_delete(*, user, item_id: int) -> None:
    """Delete an item and, once committed, its stored files."""
    item = _own_item(user, item_id, lock=True)
    stored = [(f.original, f.preview) for f in item.files.all()]
    item.delete()
    transaction.on_commit(lambda: _delete_stored(stored))
    _reindex_after_commit(user.pk)


def _delete_stored(pairs) -> None:
    for original, preview in pairs:
        original.delete(save=False)
        if preview:
            preview.delete(save=False)


@transaction.atomic
def portfolio_file_add(*, user, item_id: int, upload) -> PortfolioFile:
    """Attach an image (JPEG/PNG/WebP/GIF) or a document (PDF, ZIP) to an item.

    Types are decided by content, not by name. Images get a downscaled, watermarked public
    preview; the original stays in private storage, served only to the owner.
    """
    item = _own_item(user, item_id, lock=True)
    if item.files.count() >= MAX_FILES_PER_ITEM:
        raise InvalidInput(
            _("An item holds at most %(count)s files.") % {"count": MAX_FILES_PER_ITEM},
            code="too_many_files",
        )
    checked = upload_check(upload)
    kind = PortfolioFile.Kind.IMAGE if checked.is_image else PortfolioFile.Kind.DOCUMENT
    record = PortfolioFile(
        item=item,
        kind=kind,
        original_name=(upload.name or checked.stored_name())[:200],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        position=item.files.count(),
    )
    record.original.save(checked.stored_name(), upload, save=False)
    if kind == PortfolioFile.Kind.IMAGE:
        preview = image_watermarked_preview(
            upload, max_side=PREVIEW_SIDE, text=WATERMARK, name=f"{checked.base_name}-preview.jpg"
        )
        record.preview.save(preview.name, preview, save=False)
    record.save()
    return record


@transaction.atomic
def portfolio_file_remove(*, user, file_id: int) -> None:
    record = PortfolioFile.objects.filter(pk=file_id, item__profile__user=user).first()
    if record is None:
        raise NotFound(_("No such file."), code="portfolio_file_not_found")
    stored = [(record.original, record.preview)]
    record.delete()
    transaction.on_commit(lambda: _delete_stored(stored))


@transaction.atomic
def client_profile_update(
    *, user, company_name: str, about: str, city: str, website: str
) -> ClientProfile:
    profile, _created = ClientProfile.objects.select_for_update().get_or_create(user=user)
    profile.company_name, profile.about = company_name.strip(), about.strip()
    profile.city, profile.website = city.strip(), website.strip()
    profile.full_clean(exclude=["user"])
    profile.save()
    return profile


def freelancer_search_sync(*, user_id: int) -> None:
    """Index a listed freelancer (profile not hidden, account active) with the headline,
    about text, skills in both languages, city and portfolio titles; take anyone else out.
    Callers filter by visibility and availability when they search."""
    profile = (
        FreelancerProfile.objects.filter(user_id=user_id, user__is_active=True)
        .exclude(visibility=Visibility.HIDDEN)
        .prefetch_related("skills", "portfolio_items")
        .first()
    )
    if profile is None:
        search_document_remove(kind=SEARCH_KIND, object_id=user_id)
        return
    parts = [profile.headline, profile.bio, profile.city]
    parts += [name for skill in profile.skills.all() for name in (skill.name_zh, skill.name_en)]
    parts += [item.title for item in profile.portfolio_items.all()]
    search_document_put(kind=SEARCH_KIND, object_id=user_id, text="\n".join(filter(None, parts)))


def freelancer_search_rebuild() -> int:
    """Index every freelancer profile again; returns how many were looked at."""
    user_ids = list(FreelancerProfile.objects.values_list("user_id", flat=True))
    for user_id in user_ids:
        freelancer_search_sync(user_id=user_id)
    return len(user_ids)


def _reindex_after_commit(user_id: int) -> None:
    transaction.on_commit(lambda: freelancer_search_sync(user_id=user_id))
