"""Profile pages: visibility, privacy of contacts and originals, the editor, ownership."""

import pytest
from django.test import Client

from jiedan.profiles import services
from jiedan.profiles.models import Certification, FreelancerProfile, PortfolioItem
from tests.factories import UserFactory
from tests.profiles.conftest import image_upload
from tests.profiles.helpers import details, item_details

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def full_profile(user, skills):
    """A complete profile with contacts, skills, a certification and two illustrated items."""
    services.freelancer_profile_update(user=user, details=details())
    services.freelancer_contacts_update(
        user=user,
        contacts=services.ContactDetails(
            phone="13800138000", wechat_id="tea_li", qq="123456789", contact_email="li@qq.com"
        ),
    )
    services.freelancer_skills_set(user=user, skill_ids=[s.pk for s in skills[:3]])
    services.certification_add(user=user, name="Adobe ACP", issuer="Adobe", year=2024, url="")
    for title in ("Tea shop rebrand", "Bakery menu"):
        item = services.portfolio_item_create(
            user=user, details=item_details(title=title, skill_ids=[skills[0].pk])
        )
        services.portfolio_file_add(user=user, item_id=item.pk, upload=image_upload())
    return FreelancerProfile.objects.get(user=user)


@pytest.mark.parametrize(
    ("visibility", "anonymous", "member", "owner"),
    [
        ("public", 200, 200, 200),
        ("signed_in", 404, 200, 200),
        ("hidden", 404, 404, 200),
    ],
)
def test_visibility_decides_who_sees_the_profile(user, visibility, anonymous, member, owner):
    # given a profile with this visibility
    services.freelancer_profile_update(user=user, details=details(visibility=visibility))
    url = f"/en/freelancers/{user.pk}/"
    # then each kind of visitor gets what the setting allows
    assert Client().get(url).status_code == anonymous
    assert _signed_in(UserFactory()).get(url).status_code == member
    assert _signed_in(user).get(url).status_code == owner


def test_deactivated_freelancers_profile_is_gone(user):
    services.freelancer_profile_update(user=user, details=details())
    user.is_active = False
    user.save()
    assert Client().get(f"/en/freelancers/{user.pk}/").status_code == 404


def test_public_page_shows_work_but_never_contacts_or_originals(
    full_profile, django_assert_max_num_queries
):
    # when a visitor opens the profile
    with django_assert_max_num_queries(10):
        response = Client().get(f"/en/freelancers/{full_profile.user_id}/")
    page = response.content.decode()
    # then the work is there, the contact details and private originals are not
    assert response.status_code == 200
    assert "Tea shop rebrand" in page and "Adobe ACP" in page
    assert "portfolio-previews/" in page
    for secret in ("13800138000", "tea_li", "123456789", "li@qq.com", "/original/"):
        assert secret not in page
    assert full_profile.user.email not in page


def test_public_page_queries_do_not_grow_with_the_portfolio(
    full_profile, user, skills, django_assert_max_num_queries
):
    # given many more items
    for n in range(6):
        item = services.portfolio_item_create(
            user=user, details=item_details(title=f"Item {n}", skill_ids=[s.pk for s in skills])
        )
        services.portfolio_file_add(
            user=user, item_id=item.pk, upload=image_upload(size=(300, 200))
        )
    # then the page still costs the same bounded number of queries
    with django_assert_max_num_queries(10):
        assert Client().get(f"/en/freelancers/{user.pk}/").status_code == 200


def test_chinese_page_shows_chinese_skill_names(full_profile, skills):
    page = Client().get(f"/zh-hans/freelancers/{full_profile.user_id}/").content.decode()
    assert skills[0].name_zh in page
    assert skills[0].name_en not in page


def test_editor_shows_completeness_and_next_steps(user, django_assert_max_num_queries):
    # given an empty profile
    client = _signed_in(user)
    # when the editor opens
    with django_assert_max_num_queries(20):
        page = client.get("/en/profile/edit/").content.decode()
    # then it says how complete the profile is and what to add next
    assert "Your profile is 0% complete" in page
    assert 'href="#photo"' in page and "Add at least three skills" in page


def test_complete_profile_reaches_100_percent(full_profile, user):
    services.freelancer_avatar_set(user=user, upload=image_upload())
    page = _signed_in(user).get("/en/profile/edit/").content.decode()
    assert "Your profile is 100% complete" in page


def test_editor_saves_details_and_reports_errors(user):
    client = _signed_in(user)
    form = {
        "headline": "Translator",
        "bio": "",
        "hourly_rate": "150",
        "currency": "CNY",
        "languages": ["zh", "en"],
        "city": "",
        "service_mode": "local",
        "availability": "as_needed",
        "years_experience": "3",
        "visibility": "public",
    }
    # when in-person work is chosen without a city, nothing is saved and the error shows
    refused = client.post("/en/profile/edit/", form)
    assert refused.status_code == 400
    assert "In-person work needs your city" in refused.content.decode()
    assert not FreelancerProfile.objects.filter(user=user, headline="Translator").exists()
    # when it is fixed, it is saved
    saved = client.post("/en/profile/edit/", {**form, "city": "上海", "service_radius_km": "20"})
    assert saved.status_code == 302
    assert FreelancerProfile.objects.get(user=user).service_radius_km == 20


def test_skills_can_be_reordered(user, skills):
    client = _signed_in(user)
    client.post("/en/profile/skills/", {"skills": [skills[0].pk, skills[1].pk]})
    client.post(f"/en/profile/skills/{skills[1].pk}/up/")
    from jiedan.profiles.selectors import skill_ids_of

    assert skill_ids_of(user=user) == [skills[1].pk, skills[0].pk]


def test_photo_upload_rejects_a_fake_image(user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("me.jpg", b"not an image at all", content_type="image/jpeg")
    response = _signed_in(user).post("/en/profile/photo/", {"photo": fake})
    assert response.status_code == 400
    assert "not a valid image" in response.content.decode()
    assert not FreelancerProfile.objects.filter(user=user).exclude(avatar="").exists()


def test_portfolio_item_flow_and_original_download(user):
    client = _signed_in(user)
    # when an item is created and an image uploaded
    created = client.post("/en/profile/portfolio/new/", {"title": "Menu design"})
    item = PortfolioItem.objects.get(profile__user=user)
    assert created.url == f"/en/profile/portfolio/{item.pk}/"
    client.post(f"/en/profile/portfolio/{item.pk}/files/", {"file": image_upload()})
    record = item.files.get()
    # then the owner can download the original
    download = client.get(f"/en/profile/files/{record.pk}/original/")
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "method_path",
    ["get:item", "post:item", "post:delete", "post:files", "get:original", "post:remove"],
)
def test_strangers_get_404_and_change_nothing(full_profile, user, other_user, method_path):
    # given the owner's item and file
    item = PortfolioItem.objects.filter(profile=full_profile).first()
    record = item.files.first()
    paths = {
        "item": f"/en/profile/portfolio/{item.pk}/",
        "delete": f"/en/profile/portfolio/{item.pk}/delete/",
        "files": f"/en/profile/portfolio/{item.pk}/files/",
        "original": f"/en/profile/files/{record.pk}/original/",
        "remove": f"/en/profile/files/{record.pk}/remove/",
    }
    method, name = method_path.split(":")
    data = {"title": "Hijacked", "file": image_upload()} if method == "post" else None
    # when another member tries
    client = _signed_in(other_user)
    response = client.post(paths[name], data) if method == "post" else client.get(paths[name])
    # then they get 404 and nothing changed
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.title != "Hijacked"
    assert item.files.count() == 1


def test_stranger_cannot_remove_a_certification(full_profile, other_user):
    cert = Certification.objects.get(profile=full_profile)
    response = _signed_in(other_user).post(f"/en/profile/certifications/{cert.pk}/remove/")
    assert response.status_code == 404
    assert Certification.objects.filter(pk=cert.pk).exists()


def test_editor_needs_sign_in():
    response = Client().get("/en/profile/edit/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_client_profile_edit_and_public_page(user):
    client = _signed_in(user)
    client.post(
        "/en/profile/client/",
        {"company_name": "小鹿文创", "about": "Tea brand", "city": "杭州", "website": ""},
    )
    page = Client().get(f"/en/clients/{user.pk}/").content.decode()
    assert "小鹿文创" in page and "Tea brand" in page
    assert user.email not in page
