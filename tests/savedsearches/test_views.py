"""Saved-search pages: save from the project list, list, alerts, change and delete; someone
else's search is 404 and unchanged; pages keep a bounded number of queries."""

import pytest
from django.test import Client

from jiedan.savedsearches.models import SavedSearch
from tests.factories import UserFactory

from .helpers import publish, save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_project_list_offers_to_save_a_search_with_its_criteria(user):
    page = signed_in(user).get(
        "/en/projects/", {"q": "企业网站", "work_mode": "remote", "posted_within": "7d"}
    )
    html = page.content.decode()
    assert "Save this search" in html
    assert 'name="q" value="企业网站"' in html
    assert 'name="work_mode" value="remote"' in html
    assert 'name="posted_within" value="7d"' not in html.split("save-search")[1]


def test_anonymous_visitors_are_asked_to_sign_in_and_nothing_is_offered_without_criteria():
    html = Client().get("/en/projects/", {"q": "logo"}).content.decode()
    assert "Sign in to save this search" in html
    assert "Save this search" not in signed_in(UserFactory()).get("/en/projects/").content.decode()


def test_saving_from_the_list_keeps_the_criteria(user):
    response = signed_in(user).post(
        "/zh-hans/searches/new/",
        {
            "q": "企业网站",
            "skills": [],
            "near": "杭州",
            "distance_km": "50",
            "email_alerts": "instant",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/searches/"
    search = SavedSearch.objects.get(owner=user)
    assert search.criteria == {"q": "企业网站", "near": "杭州", "distance_km": 50}
    assert search.email_alerts == "instant"


def test_bad_criteria_or_a_duplicate_save_nothing_and_say_why(user):
    client = signed_in(user)
    response = client.post("/en/searches/new/", {"near": "Atlantis", "email_alerts": "daily"})
    assert response.status_code == 302
    assert SavedSearch.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "was not recognised" in page
    client.post("/en/searches/new/", {"q": "logo", "email_alerts": "daily"})
    response = client.post("/en/searches/new/", {"q": "logo", "email_alerts": "daily"}, follow=True)
    assert "You have already saved this search." in response.content.decode()
    assert SavedSearch.objects.count() == 1


def test_list_page_shows_summaries_and_new_counts_in_bounded_queries(
    user, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for number in range(6):
        save(user, query=f"logo{number}", near="杭州", currency="CNY", budget_min="100")
    save(user, query="logo", name="Logos")
    publish(django_capture_on_commit_callbacks, title="Logo design")
    client = signed_in(user)
    with django_assert_max_num_queries(10):
        html = client.get("/en/searches/").content.decode()
    assert "Logos" in html
    assert "1 new" in html
    assert "Hangzhou" in html
    assert "/en/projects/?q=logo" in html


def test_alerts_page_lists_matches_and_marks_them_seen(
    user, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    search = save(user, query="logo")
    for number in range(5):
        publish(django_capture_on_commit_callbacks, title=f"Logo design {number}")
    client = signed_in(user)
    with django_assert_max_num_queries(12):
        html = client.get(f"/en/searches/{search.pk}/").content.decode()
    assert html.count("saved-search-alert unread") == 5
    assert not search.matches.filter(seen_at__isnull=True).exists()
    html = client.get(f"/en/searches/{search.pk}/").content.decode()
    assert "saved-search-alert unread" not in html


def test_change_and_delete(user):
    search = save(user, query="logo")
    client = signed_in(user)
    prefix = f"search-{search.pk}"
    client.post(
        f"/en/searches/{search.pk}/edit/",
        {f"{prefix}-name": "标志", f"{prefix}-email_alerts": "off"},
    )
    search.refresh_from_db()
    assert (search.name, search.email_alerts) == ("标志", "off")
    client.post(f"/en/searches/{search.pk}/delete/")
    assert not SavedSearch.objects.exists()


def test_someone_elses_search_is_404_and_unchanged(user, other_user):
    search = save(user, query="logo", name="mine")
    client = signed_in(other_user)
    prefix = f"search-{search.pk}"
    assert client.get(f"/en/searches/{search.pk}/").status_code == 404
    edit = {f"{prefix}-name": "theirs", f"{prefix}-email_alerts": "off"}
    assert client.post(f"/en/searches/{search.pk}/edit/", edit).status_code == 404
    assert client.post(f"/en/searches/{search.pk}/delete/").status_code == 404
    search.refresh_from_db()
    assert (search.name, search.email_alerts) == ("mine", "daily")
    assert "mine" not in client.get("/en/searches/").content.decode()


def test_pages_need_sign_in():
    response = Client().get("/en/searches/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().post("/en/searches/new/", {"q": "logo"}).status_code == 302
    assert not SavedSearch.objects.exists()


def test_a_closed_projects_alert_is_listed_without_a_link(user, django_capture_on_commit_callbacks):
    from jiedan.projects import services as project_services

    search = save(user, query="logo")
    project = publish(django_capture_on_commit_callbacks, title="Logo design")
    project_services.project_cancel(client=project.client, project_id=project.pk)
    html = signed_in(user).get(f"/en/searches/{search.pk}/").content.decode()
    assert "Logo design" in html
    assert f'href="/en/projects/{project.pk}/"' not in html
    assert "Cancelled" in html
