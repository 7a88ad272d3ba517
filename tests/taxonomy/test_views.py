"""The public skills directory at /<lang>/skills/."""

import pytest

from jiedan.taxonomy.lookup import taxonomy_index
from jiedan.taxonomy.models import Skill

pytestmark = pytest.mark.django_db


def test_the_directory_lists_skills_in_english(client, django_assert_max_num_queries):
    taxonomy_index()
    with django_assert_max_num_queries(4):
        response = client.get("/en/skills/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Design &amp; creative" in page
    assert "Website development" in page
    assert "网站开发" not in page


def test_the_directory_lists_skills_in_chinese(client):
    page = client.get("/zh-hans/skills/").content.decode()
    assert "设计创意" in page
    assert "网站开发" in page
    assert page.count('<li id="skill-') == Skill.objects.filter(is_active=True).count()


def test_the_directory_finds_skills_for_typed_text(client):
    page = client.get("/zh-hans/skills/", {"q": "上门维修空调"}).content.decode()
    assert 'href="#skill-appliance-repair"' in page


def test_the_directory_says_when_nothing_matches(client):
    response = client.get("/en/skills/", {"q": "asdfghjkl"})
    assert response.status_code == 200
    assert response.context["matches"] == []


def test_the_directory_explains_an_empty_lookup(client):
    response = client.get("/en/skills/", {"q": "  "})
    assert response.status_code == 200
    assert response.context["error"]
    assert 'aria-invalid="true"' in response.content.decode()
