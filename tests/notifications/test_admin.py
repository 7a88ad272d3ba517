"""The back office: support sees notification metadata (kind, dates) but not its text; other
roles do not see notifications at all."""

import pytest
from django.urls import reverse

from .helpers import contract_data, sent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def test_support_sees_metadata_without_the_text(
    client, user, staff_factory, django_capture_on_commit_callbacks
):
    notification = sent(
        django_capture_on_commit_callbacks,
        recipient_id=user.pk,
        kind="contract.ended",
        data=contract_data(contract_title="Secret shop"),
    )
    client.force_login(staff_factory("support"))
    listed = client.get(reverse("admin:notifications_notification_changelist"))
    assert listed.status_code == 200
    assert "contract.ended" in listed.content.decode()
    detail = client.get(
        reverse("admin:notifications_notification_change", args=[notification.pk]),
        {"access_reason": "ticket: never told"},
    )
    assert detail.status_code == 200
    assert "Secret shop" not in detail.content.decode()


@pytest.mark.parametrize("role", ["finance", "moderator", "mediator"])
def test_other_roles_do_not_see_notifications(client, staff_factory, role):
    client.force_login(staff_factory(role))
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 403
