"""GET /api/v1/projects: the browse page's filters, sorting and facets as query parameters,
cursor pagination, and bad input as 422 {code, message} that never crashes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jiedan.core import geo
from jiedan.profiles.models import ClientProfile
from jiedan.projects import services
from jiedan.projects.models import Project
from jiedan.verification.models import IdentitySubmission

from .factories import CategoryFactory, SkillFactory, open_project

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects"


def listed(client, **params) -> list[int]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["results"]]


def test_filters_as_query_parameters(client):
    design = CategoryFactory()
    logo = SkillFactory(category=design)
    city = geo.city_lookup("深圳")
    wanted = open_project(
        category=design,
        budget_type="hourly",
        work_mode="local",
        city="深圳",
        radius_km=30,
        latitude=city.latitude,
        longitude=city.longitude,
    )
    wanted.skills.set([logo])
    IdentitySubmission.objects.create(
        user=wanted.client,
        document_type="passport",
        real_name="王五",
        id_number="E1",
        document="identity/none.png",
        status="approved",
    )
    ClientProfile.objects.create(user=wanted.client, rating_average=Decimal("4.8"), rating_count=3)
    other = open_project(category=design, budget_type="hourly")
    other.skills.set([logo])
    params = {
        "category": design.slug,
        "skills": [logo.slug, "no-such-skill"],
        "budget_type": "hourly",
        "currency": "CNY",
        "budget_min": "1000",
        "budget_max": "1500",
        "posted_within": "3d",
        "work_mode": "local",
        "near": "Guangzhou",
        "distance_km": "100",
        "client_verified": "true",
        "client_rating_min": "4.5",
    }
    response = client.get(URL, params)
    body = response.json()
    assert response.status_code == 200
    assert [item["id"] for item in body["results"]] == [wanted.pk]
    item = body["results"][0]
    assert item["client_verified"] is True
    assert (item["client_rating"], item["client_rating_count"]) == ("4.80", 3)
    assert item["skills"] == [{"id": logo.pk, "slug": logo.slug, "name": logo.name}]
    assert listed(client, **{**params, "client_verified": "false"}) == [wanted.pk]
    without_place = {k: v for k, v in params.items() if k not in ("near", "distance_km")}
    assert listed(client, **without_place) == [wanted.pk]
    assert listed(client, skills=logo.slug, work_mode="remote") == [other.pk]


def test_sorting(client):
    now = timezone.now()
    cheap = open_project(
        budget_min=Decimal("100"), budget_max=Decimal("200"), published_at=now - timedelta(days=1)
    )
    dear = open_project(
        budget_min=Decimal("5000"),
        budget_max=Decimal("8000"),
        published_at=now - timedelta(days=2),
    )
    middle = open_project(budget_min=Decimal("900"), budget_max=Decimal("1000"))
    assert listed(client) == [middle.pk, cheap.pk, dear.pk]
    assert listed(client, sort="newest") == [middle.pk, cheap.pk, dear.pk]
    assert listed(client, sort="budget_high") == [dear.pk, middle.pk, cheap.pk]
    assert listed(client, sort="budget_low") == [cheap.pk, middle.pk, dear.pk]
    assert client.get(URL, {"sort": "budget_low"}).json()["sort"] == "budget_low"


def test_text_query_defaults_to_relevance(client):
    project = open_project(title="Podcast editing, weekly")
    services.project_search_sync(project_id=project.pk)
    open_project(title="Something else")
    body = client.get(URL, {"q": "podcast"}).json()
    assert body["sort"] == "relevance"
    assert [item["id"] for item in body["results"]] == [project.pk]


def test_facets_in_the_response(client):
    design, writing = CategoryFactory(), CategoryFactory()
    open_project(category=design)
    open_project(category=design, budget_type="hourly")
    open_project(category=writing)
    body = client.get(URL, {"category": design.slug}).json()
    facets = body["facets"]
    assert set(facets) == {"category", "budget_type", "work_mode", "posted_within"}
    categories = {option["value"]: option for option in facets["category"]}
    assert categories[design.slug]["count"] == 2 and categories[design.slug]["selected"]
    assert categories[writing.slug]["count"] == 1 and not categories[writing.slug]["selected"]
    assert {o["value"]: o["count"] for o in facets["budget_type"]} == {"fixed": 1, "hourly": 1}
    assert body["count"] == 2


def test_facet_labels_follow_the_language(client):
    open_project()
    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["facets"]
    chinese = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["facets"]
    assert english["posted_within"][0]["label"] == "Last 24 hours"
    assert english["budget_type"][0]["label"] == "Fixed price"
    assert chinese["budget_type"][0]["label"] == "固定价格"


def test_cursor_pagination_round_trip(client):
    projects = [open_project() for _ in range(7)]
    newest_first = [project.pk for project in reversed(projects)]
    seen, params, pages = [], {"page_size": 3}, []
    while True:
        body = client.get(URL, params).json()
        pages.append(body)
        seen += [item["id"] for item in body["results"]]
        if not body["next_cursor"]:
            break
        params = {"page_size": 3, "cursor": body["next_cursor"]}
    assert seen == newest_first
    assert [page["page"] for page in pages] == [1, 2, 3]
    assert (pages[0]["count"], pages[0]["pages"]) == (7, 3)
    back = client.get(URL, {"page_size": 3, "cursor": pages[-1]["previous_cursor"]}).json()
    assert [item["id"] for item in back["results"]] == newest_first[3:6]
    assert back["page"] == 2


def test_page_numbers_are_kept_for_the_first_pages(client):
    for _ in range(5):
        open_project()
    body = client.get(URL, {"page_size": 2, "page": 2}).json()
    assert (body["page"], body["pages"], len(body["results"])) == (2, 3, 2)
    assert body["previous_cursor"] and body["next_cursor"]
    assert client.get(URL, {"page": 51}).status_code == 422


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"currency": "CNY", "budget_min": "900", "budget_max": "100"}, "budget_range_inverted"),
        ({"budget_min": "100"}, "budget_range_needs_currency"),
        ({"currency": "CNY", "budget_min": "-3"}, "bad_budget_range"),
        ({"near": "北京", "distance_km": "-1"}, "bad_distance"),
        ({"distance_km": "10"}, "distance_needs_city"),
        ({"near": "Gotham"}, "unknown_city"),
        ({"client_rating_min": "5.5"}, "bad_client_rating_min"),
        ({"sort": "relevance"}, "relevance_needs_query"),
        ({"sort": "cheapest"}, "validation_error"),
        ({"posted_within": "1y"}, "validation_error"),
        ({"currency": "XXX"}, "validation_error"),
        ({"distance_km": "far"}, "validation_error"),
        ({"budget_min": "lots", "currency": "CNY"}, "validation_error"),
        # an exponent is not in the documented pattern; a well-formed but huge amount is
        ({"currency": "CNY", "budget_min": "1e400"}, "validation_error"),
        ({"currency": "CNY", "budget_min": "1" + "0" * 30}, "invalid_amount"),
        ({"cursor": "forged:token"}, "bad_cursor"),
    ],
)
def test_bad_input_is_422_with_a_code(client, params, code):
    open_project()
    before = Project.objects.count()
    response = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")
    body = response.json()
    assert response.status_code == 422
    assert body["code"] == code
    assert body["message"]
    assert Project.objects.count() == before


def test_tampered_cursor_is_422(client):
    for _ in range(3):
        open_project()
    token = client.get(URL, {"page_size": 1}).json()["next_cursor"]
    forged = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    response = client.get(URL, {"page_size": 1, "cursor": forged}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json() == {
        "code": "bad_cursor",
        "message": "This page link is no longer valid. Start again from the first page.",
    }
    other_order = client.get(URL, {"cursor": token, "sort": "budget_high"})
    assert other_order.json()["code"] == "bad_cursor"


def test_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    design = CategoryFactory()
    skills = [SkillFactory(category=design) for _ in range(3)]

    def add(count):
        for _ in range(count):
            open_project(category=design).skills.set(skills)

    add(2)
    with django_assert_max_num_queries(4):
        assert len(client.get(URL).json()["results"]) == 2
    add(30)
    with django_assert_max_num_queries(4):
        body = client.get(URL).json()
    assert len(body["results"]) == 20
    with django_assert_max_num_queries(4):
        assert client.get(URL, {"cursor": body["next_cursor"]}).status_code == 200
