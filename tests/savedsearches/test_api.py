"""/api/v1/saved-searches: save, list, change, delete, alerts; errors as {code, message};
another person's search is 404 and unchanged."""

import pytest
from django.test import Client

from jiedan.accounts import services as account_services
from jiedan.savedsearches.models import SavedSearch

from .helpers import publish, save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]
URL = "/api/v1/saved-searches"


def api(user) -> Client:
    issued = account_services.access_token_create(
        user=user, name="test", scopes=["read", "write"], expires_in_days=None
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}", HTTP_ACCEPT_LANGUAGE="en")


def test_save_list_change_and_delete(user):
    client = api(user)
    response = client.post(
        URL,
        {
            "criteria": {"q": "网站", "near": "Hangzhou", "distance_km": 30},
            "email_alerts": "instant",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    saved = response.json()
    assert saved["name"] == "网站"
    assert saved["criteria"] == {"q": "网站", "near": "杭州", "distance_km": 30}
    assert saved["browse_url"].startswith("/en/projects/?")
    assert [item["id"] for item in client.get(URL).json()] == [saved["id"]]
    response = client.patch(
        f"{URL}/{saved['id']}", {"email_alerts": "off"}, content_type="application/json"
    )
    assert response.json()["email_alerts"] == "off"
    assert response.json()["name"] == "网站"
    assert client.delete(f"{URL}/{saved['id']}").status_code == 204
    assert client.get(URL).json() == []


@pytest.mark.parametrize(
    "payload, status, code",
    [
        ({"criteria": {}}, 422, "saved_search_empty"),
        ({"criteria": {"near": "Atlantis"}}, 422, "unknown_city"),
        (
            {"criteria": {"currency": "CNY", "budget_min": 9, "budget_max": 1}},
            422,
            "budget_range_inverted",
        ),
        ({"criteria": {"sort": "newest", "q": "x"}}, 422, "validation_error"),
        ({"criteria": {"q": "x"}, "email_alerts": "hourly"}, 422, "validation_error"),
        # the documented decimal pattern: digits and one point, no blank, no float
        ({"criteria": {"q": "x", "client_rating_min": ""}}, 422, "validation_error"),
        ({"criteria": {"currency": "CNY", "budget_min": 9.5}}, 422, "validation_error"),
    ],
)
def test_bad_input_is_a_clear_error_and_saves_nothing(user, payload, status, code):
    response = api(user).post(URL, payload, content_type="application/json")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not SavedSearch.objects.exists()


def test_a_duplicate_is_409(user):
    client = api(user)
    client.post(URL, {"criteria": {"q": "logo"}}, content_type="application/json")
    response = client.post(URL, {"criteria": {"q": " logo"}}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "saved_search_exists"


def test_alerts_are_paged_and_marked_seen_on_request(user, django_capture_on_commit_callbacks):
    search = save(user, query="logo")
    project = publish(django_capture_on_commit_callbacks, title="Logo design")
    client = api(user)
    page = client.get(f"{URL}/{search.pk}/alerts").json()
    assert page["count"] == 1
    assert page["results"][0]["project_id"] == project.pk
    assert page["results"][0]["seen"] is False
    assert client.get(f"{URL}/{search.pk}").json()["new_count"] == 1
    assert client.post(f"{URL}/{search.pk}/alerts/seen").status_code == 204
    assert client.get(f"{URL}/{search.pk}").json()["new_count"] == 0


def test_someone_elses_search_is_404_and_unchanged(user, other_user):
    search = save(user, query="logo", name="mine")
    client = api(other_user)
    assert client.get(f"{URL}/{search.pk}").status_code == 404
    assert client.get(f"{URL}/{search.pk}/alerts").status_code == 404
    response = client.patch(f"{URL}/{search.pk}", {"name": "x"}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["code"] == "saved_search_not_found"
    assert client.delete(f"{URL}/{search.pk}").status_code == 404
    assert client.post(f"{URL}/{search.pk}/alerts/seen").status_code == 404
    assert client.get(URL).json() == []
    search.refresh_from_db()
    assert search.name == "mine"


def test_anonymous_is_401():
    assert Client().get(URL).status_code == 401
