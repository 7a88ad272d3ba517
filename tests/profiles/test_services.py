"""Profile writes: validation, ownership, images, encryption at rest."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from PIL import Image, ImageChops

from jiedan.core.errors import InvalidInput, NotFound
from jiedan.profiles import services
from jiedan.profiles.models import (
    MAX_PROFILE_SKILLS,
    FreelancerProfile,
    PortfolioFile,
    PortfolioItem,
)
from tests.profiles.conftest import image_upload, pdf_upload
from tests.profiles.helpers import details, item_details

pytestmark = pytest.mark.django_db


def test_details_are_saved_and_the_rate_is_quantized(user):
    # when
    profile = services.freelancer_profile_update(
        user=user, details=details(hourly_rate=Decimal("199.999"), languages=["en", "zh", "ja"])
    )
    # then
    profile.refresh_from_db()
    assert profile.hourly_rate == Decimal("200.00")
    assert profile.languages == ["zh", "en", "ja"]
    assert profile.headline == "Brand designer for tea shops"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"service_mode": "local", "city": "", "service_radius_km": 10}, "local_needs_area"),
        ({"service_mode": "both", "city": "上海", "service_radius_km": None}, "local_needs_area"),
        ({"service_mode": "local", "city": "上海", "service_radius_km": 900}, "invalid_radius"),
        ({"languages": ["klingon"]}, "unknown_language"),
        ({"hourly_rate": Decimal("-5")}, "amount_out_of_range"),
        ({"currency": "XYZ"}, "unsupported_currency"),
    ],
)
def test_invalid_details_change_nothing(user, overrides, code):
    # given a saved profile
    services.freelancer_profile_update(user=user, details=details())
    # when invalid details are sent
    with pytest.raises(InvalidInput) as raised:
        services.freelancer_profile_update(user=user, details=details(headline="X", **overrides))
    # then it is refused with its code and the saved profile is unchanged
    assert raised.value.code == code
    assert FreelancerProfile.objects.get(user=user).headline == "Brand designer for tea shops"


def test_remote_work_drops_the_radius(user):
    profile = services.freelancer_profile_update(
        user=user, details=details(service_mode="remote", service_radius_km=30)
    )
    assert profile.service_radius_km is None


def test_skills_keep_their_order(user, skills):
    # when
    order = [skills[3].pk, skills[0].pk, skills[2].pk]
    services.freelancer_skills_set(user=user, skill_ids=order)
    # then
    from jiedan.profiles.selectors import skill_ids_of

    assert skill_ids_of(user=user) == order


def test_too_many_or_unknown_skills_change_nothing(user, skills, make_skill):
    # given
    services.freelancer_skills_set(user=user, skill_ids=[skills[0].pk])
    many = [make_skill().pk for _ in range(MAX_PROFILE_SKILLS + 1)]
    inactive = make_skill(is_active=False)
    # when / then
    for ids, code in (
        (many, "too_many_skills"),
        ([999999], "unknown_skill"),
        ([inactive.pk], "unknown_skill"),
    ):
        with pytest.raises(InvalidInput) as raised:
            services.freelancer_skills_set(user=user, skill_ids=ids)
        assert raised.value.code == code
    from jiedan.profiles.selectors import skill_ids_of

    assert skill_ids_of(user=user) == [skills[0].pk]


def test_contact_details_are_encrypted_at_rest(user):
    # when
    services.freelancer_contacts_update(
        user=user, contacts=services.ContactDetails(phone="13800138000", wechat_id="tea_brand_li")
    )
    # then the columns hold ciphertext, and the model reads plain text back
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, wechat_id FROM profiles_freelancerprofile WHERE user_id = %s", [user.pk]
        )
        phone, wechat = cursor.fetchone()
    assert "13800138000" not in phone and phone.startswith("enc1:")
    assert "tea_brand_li" not in wechat
    assert FreelancerProfile.objects.get(user=user).phone == "13800138000"


def test_avatar_is_a_512_square_jpeg(user):
    # when
    profile = services.freelancer_avatar_set(user=user, upload=image_upload(size=(900, 600)))
    # then
    with Image.open(profile.avatar.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (512, 512)


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(lambda: pdf_upload("me.png"), id="pdf named png"),
        pytest.param(lambda: image_upload(size=(9000, 9000)), id="too many pixels"),
    ],
)
def test_bad_avatar_is_refused_and_nothing_stored(user, upload):
    with pytest.raises(InvalidInput):
        services.freelancer_avatar_set(user=user, upload=upload())
    assert not FreelancerProfile.objects.filter(user=user).exclude(avatar="").exists()


def test_portfolio_image_gets_a_watermarked_downscaled_public_preview(user, settings):
    # given
    item = services.portfolio_item_create(user=user, details=item_details())
    # when
    record = services.portfolio_file_add(user=user, item_id=item.pk, upload=image_upload())
    # then the original is private and untouched, the preview public, smaller and marked
    assert record.kind == PortfolioFile.Kind.IMAGE
    assert record.original.path.startswith(str(settings.STORAGES["private"]["OPTIONS"]["location"]))
    assert not record.original.path.startswith(settings.MEDIA_ROOT)
    assert record.preview.path.startswith(settings.MEDIA_ROOT)
    with Image.open(record.original.path) as original, Image.open(record.preview.path) as preview:
        assert original.size == (1600, 1000)
        assert max(preview.size) == services.PREVIEW_SIDE
        plain = original.convert("RGB").resize(preview.size)
        difference = ImageChops.difference(plain, preview.convert("RGB")).convert("L")
        changed = sum(difference.histogram()[40:])
    assert changed > preview.size[0] * preview.size[1] * 0.01, "no visible watermark"
    assert len(record.sha256) == 64


def test_portfolio_document_is_kept_private_without_preview(user):
    item = services.portfolio_item_create(user=user, details=item_details())
    record = services.portfolio_file_add(user=user, item_id=item.pk, upload=pdf_upload())
    assert record.kind == PortfolioFile.Kind.DOCUMENT
    assert record.content_type == "application/pdf"
    assert not record.preview


def test_executable_is_refused(user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = services.portfolio_item_create(user=user, details=item_details())
    upload = SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(InvalidInput):
        services.portfolio_file_add(user=user, item_id=item.pk, upload=upload)
    assert not PortfolioFile.objects.exists()


def test_another_users_item_is_not_found_and_unchanged(user, other_user):
    # given someone else's item
    item = services.portfolio_item_create(user=other_user, details=item_details())
    # when the user tries to edit, upload to or delete it
    with pytest.raises(NotFound):
        services.portfolio_item_update(
            user=user, item_id=item.pk, details=item_details(title="Mine")
        )
    with pytest.raises(NotFound):
        services.portfolio_file_add(user=user, item_id=item.pk, upload=image_upload())
    with pytest.raises(NotFound):
        services.portfolio_item_delete(user=user, item_id=item.pk)
    # then nothing changed
    item.refresh_from_db()
    assert item.title == "Tea shop rebrand"
    assert not item.files.exists()


def test_another_users_file_cannot_be_removed(user, other_user):
    item = services.portfolio_item_create(user=other_user, details=item_details())
    record = services.portfolio_file_add(user=other_user, item_id=item.pk, upload=pdf_upload())
    with pytest.raises(NotFound):
        services.portfolio_file_remove(user=user, file_id=record.pk)
    assert PortfolioFile.objects.filter(pk=record.pk).exists()


def test_invalid_item_skills_leave_no_half_made_item(user):
    with pytest.raises(InvalidInput):
        services.portfolio_item_create(user=user, details=item_details(skill_ids=[424242]))
    assert not PortfolioItem.objects.exists()


def test_deleting_an_item_deletes_its_files_after_commit(user, django_capture_on_commit_callbacks):
    # given an item with an image
    item = services.portfolio_item_create(user=user, details=item_details())
    record = services.portfolio_file_add(user=user, item_id=item.pk, upload=image_upload())
    paths = [record.original.path, record.preview.path]
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.portfolio_item_delete(user=user, item_id=item.pk)
    # then the rows and the stored files are gone
    import os

    assert not PortfolioItem.objects.filter(pk=item.pk).exists()
    assert not any(os.path.exists(path) for path in paths)


def test_client_profile_update_validates_the_website(user):
    services.client_profile_update(
        user=user, company_name="小鹿文创", about="", city="杭州", website=""
    )
    with pytest.raises(Exception):  # noqa: B017 - Django's ValidationError from full_clean
        services.client_profile_update(
            user=user, company_name="Other", about="", city="", website="not a url"
        )
    assert user.client_profile.company_name == "小鹿文创"


def test_image_bytes_are_checked_not_names():
    # an image named .pdf is still an image (content decides)
    from jiedan.core.images import image_check

    upload = image_upload(name="scan.pdf")
    assert image_check(upload).format == "PNG"
    upload.seek(0)
    assert io.BytesIO(upload.read()).getbuffer().nbytes == upload.size
