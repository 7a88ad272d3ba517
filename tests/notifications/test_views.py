"""The notification centre, opening a notification, marking all read, the preferences page
and the header bell, in both languages."""

import pytest
from django.urls import reverse
from django.utils import translation

from jiedan.notifications.kinds import Category, EmailMode
from jiedan.notifications.models import Notification
from jiedan.notifications.selectors import PAGE_SIZE, preferences_of

from .helpers import contract_data, sent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture
def notify(django_capture_on_commit_callbacks):
    def make(user, title="Tea shop website", kind="contract.ended", **extra):
        return sent(
            django_capture_on_commit_callbacks,
            recipient_id=user.pk,
            kind=kind,
            data=contract_data(contract_title=title, **extra),
        )

    return make


def url(name, language="en", args=()):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_centre_lists_newest_first_with_unread_highlighted(
    client, user, notify, language, django_assert_max_num_queries
):
    old, new = notify(user, "Old shop"), notify(user, "New shop")
    old.read_at = old.created_at
    old.save()
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(url("notifications:list", language))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("New shop") < page.index("Old shop")
    assert f'class="notification notification-unread" data-notification="{new.pk}"' in page
    assert f'class="notification" data-notification="{old.pk}"' in page
    assert "data-unread-count>1<" in page  # the header bell


def test_queries_do_not_grow_with_the_page(client, user, notify, django_assert_max_num_queries):
    for number in range(PAGE_SIZE + 5):
        notify(user, f"Shop {number}")
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(url("notifications:list"))
    assert response.content.decode().count('data-notification="') == PAGE_SIZE
    # the cursor leads to the older ones
    cursor = response.context["next_cursor"]
    older = client.get(url("notifications:list") + f"?before={cursor}")
    assert older.content.decode().count('data-notification="') == 5
    assert older.context["next_cursor"] is None


def test_opening_marks_read_and_follows_the_link(client, user, notify):
    notification = notify(user)
    client.force_login(user)
    response = client.get(url("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/en/contracts/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_404_and_stays_unread(client, user, other_user, notify):
    notification = notify(user)
    client.force_login(other_user)
    assert client.get(url("notifications:open", args=[notification.pk])).status_code == 404
    client.post(url("notifications:read_all"))
    notification.refresh_from_db()
    assert notification.read_at is None
    assert "Tea shop website" not in client.get(url("notifications:list")).content.decode()


def test_mark_all_read(client, user, notify):
    notify(user), notify(user)
    client.force_login(user)
    response = client.post(url("notifications:read_all"), follow=True)
    assert "All notifications are marked read." in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_mark_all_read_needs_a_post(client, user, notify):
    notify(user)
    client.force_login(user)
    assert client.get(url("notifications:read_all")).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).exists()


def test_pages_need_signing_in(client):
    response = client.get(url("notifications:list"))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_preferences_page_shows_and_saves_every_category(
    client, user, language, django_assert_max_num_queries
):
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(url("notifications:preferences", language))
    page = response.content.decode()
    for category in Category.values:
        assert f'name="{category}-email"' in page
    form = {f"{category}-email": EmailMode.INSTANT for category in Category.values}
    form |= {f"{category}-in_app": "on" for category in Category.values}
    form["payments-email"] = EmailMode.WEEKLY
    del form["messages-in_app"]
    response = client.post(url("notifications:preferences", language), form)
    assert response.status_code == 302
    preferences = preferences_of(user_id=user.pk)
    assert preferences[Category.PAYMENTS] == (True, EmailMode.WEEKLY)
    assert preferences[Category.MESSAGES] == (False, EmailMode.INSTANT)


def test_a_bad_email_mode_is_refused_and_nothing_changes(client, user):
    client.force_login(user)
    form = {f"{category}-email": "hourly" for category in Category.values}
    response = client.post(url("notifications:preferences"), form)
    assert response.status_code == 200
    assert "Choose how often to be e-mailed." in response.content.decode()
    assert not user.notification_preferences.exists()


def test_the_bell_is_in_the_header_of_signed_in_pages(client, user, notify):
    client.force_login(user)
    page = client.get(url("web:dashboard")).content.decode()
    assert 'href="/en/notifications/"' in page
    assert "data-unread-count hidden" in page
    assert "notifications/bell.js" in page
    notify(user)
    page = client.get(url("web:dashboard")).content.decode()
    assert "data-unread-count>1<" in page
