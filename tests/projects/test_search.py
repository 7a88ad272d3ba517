"""Finding open projects by Chinese or English words, with the filters, on the browse page and
in the sitemap; drafts, closed and invite-only projects stay out of the index."""

import pytest
from django.core.management import call_command
from django.test import Client

from jiedan.projects import selectors, services
from jiedan.search.models import SearchDocument
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _published(**fields):
    project = ProjectFactory(**fields)
    services.project_publish(client=project.client, project_id=project.pk)
    return project


def _found(query: str, **filters) -> list[int]:
    found = selectors.project_list(filters=selectors.ProjectFilters(query=query, **filters))
    return [project.pk for project in found]


def test_open_projects_are_found_by_chinese_and_english_words():
    site = _published(
        title="需要做个企业网站",
        description="企业官网，包括5个页面、产品展示、新闻动态和在线留言功能，需要可以自己编辑内容的后台，一个月内交付上线。",
    )
    app = _published(
        title="WeChat mini program for a bakery",
        description="Ordering and points, deliver in 4 weeks.",
    )
    draft = ProjectFactory(title="企业网站草稿")
    assert _found("企业网站") == [site.pk]
    assert _found("网站") == [site.pk]
    assert _found("bakery mini program") == [app.pk]
    assert draft.pk not in _found("企业网站")


def test_closed_and_invite_only_projects_leave_the_index():
    closed = _published(title="Translate a contract into English")
    invite_only = _published(title="Translate product manuals", visibility="invite_only")
    services.project_close(client=closed.client, project_id=closed.pk)
    assert _found("translate") == []
    assert not SearchDocument.objects.filter(kind="project", object_id=invite_only.pk).exists()


def test_search_combines_with_filters_on_the_page(django_assert_max_num_queries):
    hourly = _published(title="Logo 设计 for a tea brand", budget_type="hourly")
    _published(title="Logo animation", budget_type="fixed")
    # (as on the browse page; the semantic index is cold here: it counts, then reads, its rows)
    with django_assert_max_num_queries(11):
        response = Client().get("/zh-hans/projects/", {"q": "logo", "budget_type": "hourly"})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"/projects/{hourly.pk}/" in body and "Logo animation" not in body


def test_rebuild_and_sitemap_list_open_projects():
    project = _published(title="Podcast editing, weekly")
    SearchDocument.objects.all().delete()
    call_command("search_rebuild")
    assert _found("podcast") == [project.pk]
    assert f"/en/projects/{project.pk}/" in Client().get("/sitemap.xml").content.decode()
