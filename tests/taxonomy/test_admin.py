"""The taxonomy back office: open for superusers, closed to staff without a taxonomy role."""

import pytest
from django.test import Client

from jiedan.accounts.models import User
from jiedan.taxonomy.models import Category, Skill, SkillAlias
from tests.taxonomy.conftest import skill

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/taxonomy/category/",
    "/admin/taxonomy/category/add/",
    "/admin/taxonomy/skill/",
    "/admin/taxonomy/skill/add/",
    "/admin/taxonomy/skillalias/",
    "/admin/taxonomy/skillalias/add/",
]


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(User.objects.create_superuser("root@example.com", "pw-123456789"))
    return client


@pytest.mark.parametrize("path", PAGES)
def test_a_superuser_opens_every_taxonomy_page(superuser_client, path):
    assert superuser_client.get(path).status_code == 200


def test_a_superuser_opens_a_category_a_skill_and_an_alias(superuser_client):
    website = skill("website-development")
    alias = website.aliases.first()
    for path in (
        f"/admin/taxonomy/category/{website.category_id}/change/",
        f"/admin/taxonomy/skill/{website.pk}/change/",
        f"/admin/taxonomy/skillalias/{alias.pk}/change/",
    ):
        assert superuser_client.get(path).status_code == 200, path


def test_the_category_list_counts_skills(superuser_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        page = superuser_client.get("/admin/taxonomy/category/").content.decode()
    design_count = Skill.objects.filter(category__slug="design").count()
    assert f">{design_count}</a>" in page


@pytest.mark.parametrize(
    ("term", "found"), [("建站", "网站开发"), ("Web Dev", "网站开发"), ("小红书", "小红书运营")]
)
def test_skills_are_searched_by_name_and_alias(superuser_client, term, found):
    page = superuser_client.get("/admin/taxonomy/skill/", {"q": term}).content.decode()
    assert found in page


def test_the_skill_list_is_filtered_by_category_and_status(superuser_client):
    repair = Category.objects.get(slug="repair")
    page = superuser_client.get(
        "/admin/taxonomy/skill/", {"category__id__exact": repair.pk, "is_active__exact": "1"}
    )
    assert page.status_code == 200
    assert page.context["cl"].result_count == repair.skills.count()


def test_an_alias_saved_in_the_back_office_is_normalised(superuser_client):
    # when a superuser adds an alias with capitals and extra spaces
    response = superuser_client.post(
        "/admin/taxonomy/skillalias/add/",
        {"skill": skill("logo-design").pk, "text": "  Brand   MARK "},
    )
    # then it is stored the way the lookup compares
    assert response.status_code == 302
    assert SkillAlias.objects.filter(skill__slug="logo-design", text="brand mark").exists()


def test_skills_are_deactivated_not_deleted(superuser_client):
    # when a superuser uses the deactivate action
    moving = skill("moving")
    response = superuser_client.post(
        "/admin/taxonomy/skill/", {"action": "deactivate", "_selected_action": [moving.pk]}
    )
    # then the skill stays, inactive; and there is no delete action
    assert response.status_code == 302
    moving.refresh_from_db()
    assert not moving.is_active
    page = superuser_client.get("/admin/taxonomy/skill/")
    assert "delete_selected" not in page.content.decode()


@pytest.mark.parametrize("role", ["support", "finance", "mediator"])
def test_staff_without_a_taxonomy_capability_cannot_edit(staff_factory, role):
    # given staff holding a role without ``taxonomy.manage``
    client = Client()
    client.force_login(staff_factory(role))
    name_before = skill("moving").name_zh
    # when they try to open or change the taxonomy
    listing = client.get("/admin/taxonomy/skill/")
    change = client.post(f"/admin/taxonomy/skill/{skill('moving').pk}/change/", {"name_zh": "搬运"})
    # then they are refused and nothing changed
    assert listing.status_code == 403
    assert change.status_code == 403
    assert skill("moving").name_zh == name_before


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_taxonomy_managers_open_the_skill_list(staff_factory, role):
    # given staff holding ``taxonomy.manage``
    client = Client()
    client.force_login(staff_factory(role))
    # then the skill list and a skill page open, without a delete action
    listing = client.get("/admin/taxonomy/skill/")
    assert listing.status_code == 200
    assert "delete_selected" not in listing.content.decode()
    assert client.get(f"/admin/taxonomy/skill/{skill('moving').pk}/change/").status_code == 200
