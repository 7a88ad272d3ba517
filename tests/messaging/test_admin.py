"""Back office: moderators review the safety queue; finance and support never see it (nor
any message content)."""

import pytest
from django.test import Client

from jiedan.messaging.models import FlagStatus, SafetyFlag
from tests.messaging.factories import parties, say

pytestmark = pytest.mark.django_db


def staff_client(staff) -> Client:
    web = Client(HTTP_ACCEPT_LANGUAGE="en")
    web.force_login(staff)
    return web


def test_moderators_review_and_close_flagged_messages(conversation, staff_factory):
    _client, freelancer = parties(conversation)
    say(conversation, freelancer, "先付定金，微信 zhang_san88")
    flag = SafetyFlag.objects.get()
    web = staff_client(staff_factory("moderator"))
    listing = web.get("/admin/messaging/safetyflag/")
    assert listing.status_code == 200 and "shares a WeChat id" in listing.content.decode()
    page = web.get(
        f"/admin/messaging/safetyflag/{flag.pk}/change/", {"access_reason": "open flag review"}
    )
    assert "微信 zhang_san88" in page.content.decode()
    web.post(
        "/admin/messaging/safetyflag/",
        {"action": "close_flags", "_selected_action": [flag.pk]},
    )
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLOSED and flag.closed_at is not None


@pytest.mark.parametrize("role", ["finance", "support"])
def test_finance_and_support_cannot_see_the_queue(conversation, staff_factory, role):
    _client, freelancer = parties(conversation)
    say(conversation, freelancer, "QQ: 123456789")
    web = staff_client(staff_factory(role))
    assert web.get("/admin/messaging/safetyflag/").status_code == 403
    assert SafetyFlag.objects.get().status == FlagStatus.OPEN
