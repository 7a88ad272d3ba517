"""/api/v1/notifications: list by cursor, unread count, mark read, mark all read and the
preferences; another person's notification is 404 and nothing changes."""

import pytest

from jiedan.notifications.kinds import Category
from jiedan.notifications.models import Notification
from jiedan.notifications.selectors import PAGE_SIZE, preferences_of
from tests.factories import bearer

from .helpers import contract_data, sent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]
BASE = "/api/v1/notifications"


@pytest.fixture
def notify(django_capture_on_commit_callbacks):
    def make(user, title="Tea shop website"):
        return sent(
            django_capture_on_commit_callbacks,
            recipient_id=user.pk,
            kind="contract.ended",
            data=contract_data(contract_title=title),
        )

    return make


def test_list_by_cursor_in_the_callers_language(client, user, notify):
    for number in range(PAGE_SIZE + 2):
        notify(user, f"Shop {number}")
    headers = bearer(user)
    first = client.get(BASE, HTTP_ACCEPT_LANGUAGE="en", **headers).json()
    assert len(first["results"]) == PAGE_SIZE
    assert first["results"][0]["text"] == f"The contract “Shop {PAGE_SIZE + 1}” has ended"
    assert first["results"][0]["unread"] is True
    cursor = first["next_cursor"]
    rest = client.get(f"{BASE}?before={cursor}", HTTP_ACCEPT_LANGUAGE="en", **headers).json()
    assert [item["text"] for item in rest["results"]] == [
        "The contract “Shop 1” has ended",
        "The contract “Shop 0” has ended",
    ]
    assert rest["next_cursor"] is None


def test_unread_count_mark_read_and_all(client, user, notify):
    first, _second, _third = notify(user), notify(user), notify(user)
    headers = bearer(user)
    assert client.get(f"{BASE}/unread-count", **headers).json() == {"count": 3}
    response = client.post(f"{BASE}/{first.pk}/read", **headers)
    assert response.status_code == 200
    assert response.json()["unread"] is False
    assert client.get(f"{BASE}/unread-count", **headers).json() == {"count": 2}
    assert client.post(f"{BASE}/read-all", **headers).json() == {"marked": 2}
    assert client.get(f"{BASE}/unread-count", **headers).json() == {"count": 0}


def test_someone_elses_notification_is_404_and_unchanged(client, user, other_user, notify):
    notification = notify(user)
    response = client.post(f"{BASE}/{notification.pk}/read", **bearer(other_user))
    assert response.status_code == 404
    assert response.json()["code"] == "notification_not_found"
    assert client.get(BASE, **bearer(other_user)).json()["results"] == []
    notification.refresh_from_db()
    assert notification.read_at is None


def test_preferences_get_and_put(client, user):
    headers = bearer(user)
    listed = client.get(f"{BASE}/preferences", **headers).json()["preferences"]
    assert {item["category"] for item in listed} == set(Category.values)
    payload = {"preferences": [{"category": "payments", "in_app": False, "email": "daily"}]}
    response = client.put(
        f"{BASE}/preferences", payload, content_type="application/json", **headers
    )
    assert response.status_code == 200
    assert preferences_of(user_id=user.pk)[Category.PAYMENTS] == (False, "daily")


def test_a_bad_preference_is_422_and_nothing_changes(client, user):
    payload = {"preferences": [{"category": "payments", "in_app": True, "email": "hourly"}]}
    response = client.put(
        f"{BASE}/preferences", payload, content_type="application/json", **bearer(user)
    )
    assert response.status_code == 422
    assert not user.notification_preferences.exists()


def test_the_api_needs_a_caller(client):
    assert client.get(BASE).status_code == 401
    assert client.get(f"{BASE}/unread-count").status_code == 401


def test_the_browser_session_can_read_the_count(client, user, notify):
    notify(user)
    client.force_login(user)
    assert client.get(f"{BASE}/unread-count").json() == {"count": 1}
    assert Notification.objects.count() == 1
