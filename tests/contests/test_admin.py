"""Back office: read-only contests and entries; moderators may look, not change."""

import pytest
from django.test import Client

from jiedan.contests.models import Contest
from tests.factories import StaffFactory

from .factories import judging_contest

pytestmark = pytest.mark.django_db


def test_admin_list_and_detail_with_prizes_history_and_files():
    contest, (entry, _other) = judging_contest()
    web = Client()
    web.force_login(StaffFactory(is_superuser=True))
    assert web.get("/admin/contests/contest/?status__exact=judging").status_code == 200
    page = web.get(f"/admin/contests/contest/{contest.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert b"contest status change" in page.content.lower()
    assert b"contest prize" in page.content.lower()
    entry_page = web.get(f"/admin/contests/entry/{entry.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert entry_page.status_code == 200
    assert entry.files.get().original_name.encode() in entry_page.content


def test_moderator_views_but_cannot_change_contests():
    contest, _entries = judging_contest()
    web = Client()
    web.force_login(StaffFactory(roles=["moderator"]))
    assert web.get("/admin/contests/contest/").status_code == 200
    assert web.get("/admin/contests/entry/").status_code == 200
    response = web.post(f"/admin/contests/contest/{contest.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Contest.objects.filter(pk=contest.pk).exists()


def test_support_cannot_see_contests():
    web = Client()
    web.force_login(StaffFactory(roles=["support"]))
    assert web.get("/admin/contests/contest/").status_code == 403
