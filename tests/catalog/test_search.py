"""Searching the catalogue in Chinese or English, combined with the filters."""

import pytest
from django.test import Client

from jiedan.catalog import selectors, services
from jiedan.catalog.models import Status
from jiedan.search.models import SearchDocument
from tests.catalog.factories import CategoryFactory, ServiceFactory, TierFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _published(owner=None, **fields):
    service = ServiceFactory(status=Status.DRAFT, **({"owner": owner} if owner else {}), **fields)
    TierFactory(service=service, summary="", features=["Source files"])
    services.service_publish(owner=service.owner, service_id=service.pk)
    return service


def test_published_services_are_found_by_chinese_and_english_words():
    # given published services written in either language, and a draft
    site = _published(title="企业官网开发，响应式，含后台", description="五个页面和内容管理后台")
    logo = _published(title="Original logo for your tea shop", description="Three concepts.")
    draft = ServiceFactory(title="企业网站 草稿", status=Status.DRAFT)
    # when buyers search
    found = {
        query: [
            s.pk for s in selectors.service_search(filters=selectors.ServiceFilters(query=query))
        ]
        for query in ("官网", "官网开发", "logo", "tea shops")
    }
    # then they find the published ones, never the draft
    assert found["官网"] == [site.pk]
    assert found["官网开发"] == [site.pk]
    assert found["logo"] == [logo.pk]
    assert found["tea shops"] == [logo.pk]
    assert not SearchDocument.objects.filter(object_id=draft.pk, kind="service").exists()


def test_pausing_takes_a_service_out_of_search():
    service = _published(title="Video editing for short clips")
    services.service_pause(owner=service.owner, service_id=service.pk)
    filters = selectors.ServiceFilters(query="video editing")
    assert list(selectors.service_search(filters=filters)) == []


def test_search_combines_with_filters_and_the_browse_page(django_assert_max_num_queries):
    design = CategoryFactory()
    match = _published(title="品牌 logo 设计", category=design)
    _published(title="logo animation")
    for n in range(20):
        _published(title=f"Other service {n}")
    with django_assert_max_num_queries(12):
        page = Client().get("/zh-hans/services/", {"q": "logo", "category": design.slug})
    body = page.content.decode()
    assert page.status_code == 200
    assert f"/services/{match.pk}/" in body
    assert "logo animation" not in body


def test_rebuild_restores_a_lost_index():
    service = _published(title="Podcast audio mixing")
    SearchDocument.objects.all().delete()
    from django.core.management import call_command

    call_command("search_rebuild")
    filters = selectors.ServiceFilters(query="podcast")
    assert [s.pk for s in selectors.service_search(filters=filters)] == [service.pk]
