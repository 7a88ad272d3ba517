"""Project pages: posting, review and publish, my projects, public list and detail, ownership."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.projects.models import Project, Status
from tests.factories import UserFactory

from .factories import CategoryFactory, ProjectFactory, SkillFactory, open_project

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


def test_post_review_and_publish_journey(user):
    category = CategoryFactory()
    web = signed_in(user)
    response = web.post(
        url("projects:create"),
        {
            "title": "Translation help",
            "description": "Something about our product, short but long enough to pass.",
            "category": category.pk,
            "budget_type": "fixed",
            "budget_min": "300",
            "budget_max": "600",
            "currency": "CNY",
            "work_mode": "remote",
            "visibility": "public",
            "screening_questions": "Which tools?\nHow soon?",
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("projects:review", project.pk)
    assert project.screening_questions == ["Which tools?", "How soon?"]
    page = web.get(url("projects:review", project.pk))
    assert page.status_code == 200
    assert b'data-code="no_deliverables"' in page.content
    assert b'data-code="no_deadline"' in page.content
    response = web.post(url("projects:review", project.pk))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.OPEN


def test_form_shows_service_errors_and_saves_nothing(user):
    web = signed_in(user)
    response = web.post(
        url("projects:create"),
        {
            "title": "Logo",
            "budget_type": "fixed",
            "budget_min": "900",
            "budget_max": "100",
            "currency": "CNY",
            "work_mode": "remote",
            "visibility": "public",
        },
    )
    assert response.status_code == 200
    assert b"maximum budget" in response.content
    assert not Project.objects.exists()


def test_review_lists_what_is_missing_and_publish_refuses(user):
    project = ProjectFactory(client=user, description="short")
    web = signed_in(user)
    page = web.get(url("projects:review", project.pk))
    assert b"at least 40 characters" in page.content
    web.post(url("projects:review", project.pk))
    project.refresh_from_db()
    assert project.status == Status.DRAFT


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("projects:edit", "get"),
        ("projects:edit", "post"),
        ("projects:review", "get"),
        ("projects:review", "post"),
        ("projects:cancel", "post"),
        ("projects:close", "post"),
    ],
)
def test_another_user_gets_404_and_nothing_changes(name, method):
    project = open_project(title="Original")
    web = signed_in(UserFactory())
    response = getattr(web, method)(url(name, project.pk), {"title": "Hijacked"})
    assert response.status_code == 404
    project.refresh_from_db()
    assert (project.title, project.status) == ("Original", Status.OPEN)
    assert not project.status_changes.exists()


def test_owner_cancels_from_my_projects(user):
    project = open_project(client=user)
    web = signed_in(user)
    response = web.post(url("projects:cancel", project.pk))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.CANCELLED


def test_my_projects_lists_only_mine(user):
    mine = ProjectFactory(client=user, title="Mine")
    ProjectFactory(title="Theirs")
    page = signed_in(user).get(url("projects:mine"))
    assert page.status_code == 200
    assert mine.title.encode() in page.content
    assert b"Theirs" not in page.content


@pytest.mark.parametrize(
    ("status", "visibility", "visible"),
    [
        (Status.OPEN, "public", True),
        (Status.IN_REVIEW, "public", True),
        (Status.AWARDED, "public", True),
        (Status.DRAFT, "public", False),
        (Status.CLOSED, "public", False),
        (Status.CANCELLED, "public", False),
        (Status.OPEN, "invite_only", False),
    ],
)
def test_detail_visibility(client, status, visibility, visible):
    project = ProjectFactory(status=status, visibility=visibility)
    response = client.get(url("projects:detail", project.pk))
    assert response.status_code == (200 if visible else 404)
    assert signed_in(UserFactory()).get(url("projects:detail", project.pk)).status_code == (
        200 if visible else 404
    )
    assert signed_in(project.client).get(url("projects:detail", project.pk)).status_code == 200


def test_list_shows_open_public_newest_first_and_filters(client):
    design = CategoryFactory()
    older = open_project(category=design, title="Older design job")
    newer = open_project(category=design, title="Newer design job", budget_type="hourly")
    ProjectFactory(title="A draft")
    open_project(title="Invite only", visibility="invite_only")
    ProjectFactory(status=Status.AWARDED, title="Awarded job")
    page = client.get(url("projects:browse"))
    titles = [project.title for project in page.context["page"].object_list]
    assert titles[:2] == [newer.title, older.title] or set(titles) >= {newer.title, older.title}
    assert "A draft" not in titles and "Invite only" not in titles and "Awarded job" not in titles
    filtered = client.get(url("projects:browse"), {"category": design.slug, "budget_type": "fixed"})
    assert [project.pk for project in filtered.context["page"].object_list] == [older.pk]


def test_list_and_detail_queries_are_bounded(client, django_assert_max_num_queries):
    category = CategoryFactory()
    skills = [SkillFactory(category=category) for _ in range(3)]
    for _ in range(25):
        project = open_project(category=category)
        project.skills.set(skills)
    with django_assert_max_num_queries(8):
        response = client.get(url("projects:browse"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 20
    with django_assert_max_num_queries(6):
        assert client.get(url("projects:detail", project.pk)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/projects").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"/api/v1/projects/{project.pk}").status_code == 200


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_pages_render_in_both_languages(lang, user):
    project = ProjectFactory(client=user)
    open_project()
    web = signed_in(user)
    for name, args in [
        ("projects:browse", ()),
        ("projects:mine", ()),
        ("projects:create", ()),
        ("projects:edit", (project.pk,)),
        ("projects:review", (project.pk,)),
        ("projects:detail", (project.pk,)),
    ]:
        response = web.get(url(name, *args, lang=lang))
        assert response.status_code == 200, name
        assert b'name="viewport"' in response.content
