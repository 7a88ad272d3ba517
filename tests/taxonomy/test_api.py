"""The public taxonomy API: shapes, languages, the error shape and bounded queries."""

import pytest

from jiedan.taxonomy.lookup import taxonomy_index
from jiedan.taxonomy.models import Category, Skill
from tests.taxonomy.conftest import API, skill

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


# --- GET /categories --------------------------------------------------------------------------


def test_categories_list_every_category_with_its_skills(client, django_assert_max_num_queries):
    # when anyone (no sign-in) asks for the categories
    with django_assert_max_num_queries(2):
        response = client.get(f"{API}/categories", **EN)
    # then each comes in display order with both names, the English one as "name"
    assert response.status_code == 200
    body = response.json()
    assert [c["slug"] for c in body] == list(Category.objects.values_list("slug", flat=True))
    design = body[0]
    assert design["slug"] == "design"
    assert design["name"] == design["name_en"] == "Design & creative"
    assert design["name_zh"] == "设计创意"
    assert design["is_local_service"] is False
    assert design["skills"][0] == {
        "slug": "logo-design",
        "name": "Logo design",
        "name_zh": "Logo设计",
        "name_en": "Logo design",
    }
    assert sum(len(c["skills"]) for c in body) == Skill.objects.filter(is_active=True).count()


def test_categories_speak_chinese_to_a_chinese_caller(client):
    body = client.get(f"{API}/categories", **ZH).json()
    assert body[0]["name"] == "设计创意"
    assert body[0]["skills"][0]["name"] == "Logo设计"


def test_categories_leave_out_inactive_skills(client):
    Skill.objects.filter(slug="logo-design").update(is_active=False)
    body = client.get(f"{API}/categories").json()
    assert "logo-design" not in {s["slug"] for c in body for s in c["skills"]}


# --- GET /skills ------------------------------------------------------------------------------


def test_skills_of_a_category(client, django_assert_max_num_queries):
    # when someone asks for the skills of one category
    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/skills", {"category": "repair"}, **EN)
    # then they get exactly its active skills, with aliases and related slugs
    assert response.status_code == 200
    body = response.json()
    assert {s["slug"] for s in body} == set(
        Skill.objects.filter(category__slug="repair").values_list("slug", flat=True)
    )
    repair = next(s for s in body if s["slug"] == "appliance-repair")
    assert repair["category"] == "repair"
    assert repair["name"] == "Appliance repair"
    assert "空调维修" in repair["aliases"]
    assert repair["aliases"] == sorted(repair["aliases"])
    assert "appliance-installation" in repair["related"]


def test_all_skills(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(f"{API}/skills")
    assert len(response.json()) == Skill.objects.filter(is_active=True).count()


def test_skills_of_an_unknown_category_are_not_found(client):
    response = client.get(f"{API}/skills", {"category": "astrology"})
    _assert_error(response, 404, "category_not_found")


# --- GET /lookup ------------------------------------------------------------------------------


def test_lookup_finds_skills_in_free_text(client, django_assert_max_num_queries):
    # given the index is built
    taxonomy_index()
    # when someone looks up a need in Chinese (one query: the freshness check)
    with django_assert_max_num_queries(1):
        response = client.get(f"{API}/lookup", {"q": " 需要做个企业网站 "}, **EN)
    # then the best skill comes first, with its score and the matched term
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "需要做个企业网站"
    first = body["results"][0]
    assert first["slug"] == "website-development"
    assert first["name"] == "Website development"
    assert first["name_zh"] == "网站开发"
    assert first["category"] == "development"
    assert first["term"] == "企业网站"
    assert 0 < first["score"] < 1
    assert first["exact"] is False


def test_lookup_honours_the_limit(client):
    body = client.get(f"{API}/lookup", {"q": "翻译", "limit": 2}).json()
    assert len(body["results"]) == 2


def test_lookup_of_unrelated_text_is_empty(client):
    body = client.get(f"{API}/lookup", {"q": "asdfghjkl"}).json()
    assert body == {"query": "asdfghjkl", "results": []}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "query_empty"),
        ({"q": ""}, "query_empty"),
        ({"q": "   "}, "query_empty"),
        ({"q": "网" * 201}, "query_too_long"),
    ],
)
def test_lookup_refuses_empty_or_too_long_text(client, params, code):
    response = client.get(f"{API}/lookup", params)
    body = _assert_error(response, 422, code)
    assert set(body) == {"code", "message"}


@pytest.mark.parametrize("limit", [0, 51, "many"])
def test_lookup_refuses_a_bad_limit(client, limit):
    response = client.get(f"{API}/lookup", {"q": "logo", "limit": limit})
    _assert_error(response, 422, "validation_error")


def test_the_taxonomy_endpoints_need_no_sign_in(client):
    for path in ("/categories", "/skills", "/lookup?q=logo"):
        assert client.get(f"{API}{path}").status_code == 200


def test_a_lookup_result_points_at_a_skill_the_skills_endpoint_lists(client):
    slug = client.get(f"{API}/lookup", {"q": "上门维修空调"}).json()["results"][0]["slug"]
    assert slug == skill("appliance-repair").slug
    category = client.get(f"{API}/skills", {"category": "repair"}).json()
    assert slug in {s["slug"] for s in category}
