"""Projects API: public list and detail, create/update/publish drafts, errors, ownership."""

import pytest
from django.test import Client

from jiedan.accounts import services as account_services
from jiedan.projects.models import Project, Status
from tests.factories import UserFactory, bearer

from .factories import CategoryFactory, ProjectFactory, open_project

pytestmark = pytest.mark.django_db


def payload(category, **overrides) -> dict:
    values = {
        "title": "Write product descriptions",
        "description": "We need 20 product descriptions in Chinese and English, as a document.",
        "category_id": category.pk,
        "budget_type": "fixed",
        "budget_min": "800",
        "budget_max": "1200",
        "currency": "CNY",
        "screening_questions": ["Samples?"],
    }
    return {**values, **overrides}


def test_list_shape_filters_and_pagination(client):
    design = CategoryFactory()
    fixed = open_project(category=design)
    open_project(category=design, budget_type="hourly")
    open_project()
    ProjectFactory(category=design)
    response = client.get("/api/v1/projects", {"category": design.slug, "budget_type": "fixed"})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (1, 1, 1)
    item = body["results"][0]
    assert item["id"] == fixed.pk
    assert item["budget_min"] == "1000.00"
    assert item["category"]["slug"] == design.slug
    assert set(item) >= {"client", "budget_type", "currency", "status", "published_at"}
    paged = client.get("/api/v1/projects", {"page_size": 2}).json()
    assert (paged["count"], paged["pages"], len(paged["results"])) == (3, 2, 2)
    assert client.get("/api/v1/projects", {"budget_type": "weekly"}).status_code == 422


def test_detail_public_and_hidden(client):
    project = open_project()
    body = client.get(f"/api/v1/projects/{project.pk}").json()
    assert body["description"] == project.description
    assert body["screening_questions"] == []
    draft = ProjectFactory()
    response = client.get(f"/api/v1/projects/{draft.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "project_not_found"


def test_create_update_publish(client, user):
    category = CategoryFactory()
    auth = bearer(user)
    response = client.post(
        "/api/v1/projects", payload(category), content_type="application/json", **auth
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["screening_questions"] == ["Samples?"]
    project_id = body["id"]
    response = client.put(
        f"/api/v1/projects/{project_id}",
        payload(category, title="Write 30 product descriptions"),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Write 30 product descriptions"
    response = client.post(f"/api/v1/projects/{project_id}/publish", **auth)
    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert response.json()["expires_at"] is not None


def test_bad_input_is_422_with_code_and_nothing_saved(client, user):
    category = CategoryFactory()
    response = client.post(
        "/api/v1/projects",
        payload(category, budget_min="900", budget_max="100"),
        content_type="application/json",
        **bearer(user),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "budget_inverted"
    assert not Project.objects.exists()


def test_publish_incomplete_is_422(client, user):
    project = ProjectFactory(client=user, category=None)
    response = client.post(f"/api/v1/projects/{project.pk}/publish", **bearer(user))
    assert response.status_code == 422
    assert response.json()["code"] == "project_incomplete"
    project.refresh_from_db()
    assert project.status == Status.DRAFT


def test_another_user_gets_404_and_nothing_changes(client):
    project = ProjectFactory(title="Original")
    auth = bearer(UserFactory())
    response = client.put(
        f"/api/v1/projects/{project.pk}",
        payload(project.category, title="Hijacked"),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    assert client.post(f"/api/v1/projects/{project.pk}/publish", **auth).status_code == 404
    project.refresh_from_db()
    assert (project.title, project.status) == ("Original", Status.DRAFT)


def test_writes_need_sign_in(client):
    category = CategoryFactory()
    response = client.post("/api/v1/projects", payload(category), content_type="application/json")
    assert response.status_code == 401
    assert not Project.objects.exists()


def test_owner_reads_their_draft_with_a_token_and_strangers_get_404():
    draft = ProjectFactory()
    mine = account_services.access_token_create(user=draft.client, name="cli", scopes=["read"])
    theirs = account_services.access_token_create(user=UserFactory(), name="cli", scopes=["read"])
    url = f"/api/v1/projects/{draft.pk}"
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {mine.secret}").status_code == 200
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {theirs.secret}").status_code == 404
    assert Client().get(url).status_code == 404
