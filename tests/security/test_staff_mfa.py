"""Staff need two-factor authentication before any back-office or staff page, and hold no
role without it; people withdrawing
above the threshold need a current code (tests/payments/test_withdrawals.py covers the
codes, replays and rate limits)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.accounts.models import User
from jiedan.accounts.roles import roles_of, user_can
from jiedan.disputes import services as dispute_services
from jiedan.disputes.services.common import is_mediator
from jiedan.disputes.services.mediation import assigners, mediators
from tests.disputes.factories import opened
from tests.factories import StaffFactory, bearer

from .conftest import browser, staff

pytestmark = pytest.mark.django_db


def _setup_url(language="en") -> str:
    with translation.override(language):
        return reverse("mfa_activate_totp")


@pytest.mark.parametrize("path", ["/admin/", "/admin/payments/withdrawal/", "/admin/audit/"])
def test_staff_without_two_factor_are_sent_to_set_it_up(path):
    # given a finance staff member without an authenticator app
    client = browser(StaffFactory(roles=["finance"], language="en"))
    # when they open any back-office page
    response = client.get(path)
    # then they are sent to set up two-factor authentication, and see nothing of the page
    assert response.status_code == 302
    assert response["Location"] == _setup_url()


def test_the_setup_page_is_in_the_staff_members_language():
    client = browser(StaffFactory(roles=["support"], language="zh-hans"))
    assert client.get("/admin/")["Location"] == _setup_url("zh-hans")


def test_superusers_need_it_too():
    root = User.objects.create_superuser("root@example.com", "Root-pw-123456789")
    assert browser(root).get("/admin/")["Location"] == _setup_url()


def test_staff_with_two_factor_open_the_back_office():
    client = browser(staff("finance"))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/payments/withdrawal/").status_code == 200


def test_back_office_sign_out_and_the_public_site_stay_open():
    client = browser(StaffFactory(roles=["support"]))
    assert client.post("/admin/logout/").status_code == 200
    with translation.override("en"):
        assert browser(StaffFactory()).get(reverse("web:dashboard")).status_code == 200


def test_people_who_are_not_staff_are_not_asked(user):
    response = browser(user).get("/admin/")
    assert response.status_code == 302 and "2fa" not in response["Location"]


@pytest.mark.parametrize("view", ["trust:queue", "trust:rules"])
def test_staff_pages_outside_the_back_office_ask_for_it_too(view):
    # given a moderator without an authenticator app
    client = browser(StaffFactory(roles=["moderator"], language="en"))
    # when they open the review queue or the risk rules
    response = client.get(reverse(view))
    # then they are sent to set it up first
    assert response.status_code == 302 and response["Location"] == _setup_url()


def test_without_it_a_staff_account_holds_no_role_anywhere():
    # given staff without two-factor authentication, and a moderator with it
    moderator = StaffFactory(roles=["moderator"])
    mediator = StaffFactory(roles=["mediator", "admin"])
    enrolled_moderator = staff("moderator")
    # then their roles give them nothing: not the services' checks, not the API
    assert roles_of(moderator) == frozenset() and not user_can(moderator, "verification.review")
    assert not is_mediator(mediator) and not user_can(mediator, "disputes.assign")
    assert Client().get("/api/v1/trust/queue", **bearer(moderator)).status_code == 403
    assert Client().get("/api/v1/trust/queue", **bearer(enrolled_moderator)).status_code == 200
    assert user_can(enrolled_moderator, "verification.review")


def test_disputes_go_only_to_mediators_who_may_act():
    # given a mediator without two-factor authentication (so with the least work) and one with
    idle = StaffFactory(roles=["mediator"])
    enrolled_mediator = staff("mediator")
    escalated = opened("client")
    dispute_services.dispute_escalate(actor=escalated.contract.client, dispute_id=escalated.pk)
    # when the periodic job assigns the waiting disputes
    assert dispute_services.disputes_auto_assign() == 1
    # then the dispute goes to the one who may act, and only they are told of late decisions
    escalated.refresh_from_db()
    assert escalated.mediator == enrolled_mediator
    assert idle not in mediators() and idle not in assigners()


def test_the_rule_can_be_turned_off(settings):
    settings.JIEDAN_STAFF_MFA_REQUIRED = False
    assert browser(StaffFactory(roles=["finance"])).get("/admin/").status_code == 200
