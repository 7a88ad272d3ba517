"""Each risk rule fires on the pattern it looks for and stays quiet just short of it."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from jiedan.messaging.models import FlagSource, SafetyFlag
from jiedan.projects.models import ProjectStatusChange, Status
from jiedan.trust.models import DeviceFingerprint, RiskHit
from jiedan.trust.services import risk_evaluate
from tests.factories import UserFactory
from tests.payments.factories import TopUpFactory
from tests.projects.factories import ProjectFactory, open_project
from tests.proposals.factories import proposal_on

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def fired(kind, user, data=None, now=None) -> set[str]:
    return {h.rule for h in risk_evaluate(kind=kind, user=user, data=data, now=now)}


# --- new_account_burst


def test_burst_from_new_account_fires(member):
    ProjectFactory.create_batch(15, client=member)
    assert "new_account_burst" in fired("project.published", member)


def test_burst_below_limit_or_from_old_account_does_not_fire(member):
    ProjectFactory.create_batch(14, client=member)
    assert "new_account_burst" not in fired("project.published", member)
    veteran = UserFactory(date_joined=timezone.now() - timedelta(days=60))
    ProjectFactory.create_batch(20, client=veteran)
    assert "new_account_burst" not in fired("project.published", veteran)


# --- frequent_cancellations


def cancelled(client, n, *, at=None):
    for _ in range(n):
        project = ProjectFactory(client=client, status=Status.CANCELLED, published_at=at)
        change = ProjectStatusChange.objects.create(
            project=project, actor=client, from_status=Status.OPEN, to_status=Status.CANCELLED
        )
        if at is not None:
            ProjectStatusChange.objects.filter(pk=change.pk).update(
                created_at=at + timedelta(minutes=30)
            )


def test_frequent_cancellations_fire(member):
    cancelled(member, 5)
    assert "frequent_cancellations" in fired("project.cancelled", member)


def test_few_cancellations_do_not_fire(member):
    cancelled(member, 4)
    assert "frequent_cancellations" not in fired("project.cancelled", member)


# --- late_night_cancel


def test_posting_then_cancelling_at_night_fires(member):
    night = timezone.now().astimezone(SHANGHAI).replace(hour=2, minute=0) - timedelta(days=1)
    cancelled(member, 3, at=night)
    assert "late_night_cancel" in fired("project.cancelled", member)


def test_daytime_cancelling_does_not_fire(member):
    day = timezone.now().astimezone(SHANGHAI).replace(hour=14, minute=0) - timedelta(days=1)
    cancelled(member, 3, at=day)
    assert "late_night_cancel" not in fired("project.cancelled", member)


# --- shared_device


def seen(user, device_hash="a" * 64, ip="203.0.113.7", *, days_ago=0):
    device = DeviceFingerprint.objects.create(
        user=user, session_key=f"s{user.pk}{device_hash[:4]}", hash=device_hash, ip=ip
    )
    if days_ago:
        DeviceFingerprint.objects.filter(pk=device.pk).update(
            first_seen=timezone.now() - timedelta(days=days_ago)
        )
    return device


def test_many_accounts_on_one_device_fire(member):
    for user in (member, UserFactory(), UserFactory()):
        seen(user, ip=None)
    assert "shared_device" in fired("device.seen", member)


def test_two_accounts_on_one_device_do_not_fire(member):
    for user in (member, UserFactory()):
        seen(user)
    assert "shared_device" not in fired("device.seen", member)


# --- new_device_then_payout


def test_payout_change_right_after_a_new_device_fires(member):
    seen(member, "a" * 64, days_ago=20)
    seen(member, "b" * 64)
    assert "new_device_then_payout" in fired("payout_method.added", member)


def test_payout_change_from_known_devices_does_not_fire(member):
    seen(member, "a" * 64, days_ago=20)
    assert "new_device_then_payout" not in fired("withdrawal.requested", member)
    seen(member, "b" * 64, days_ago=10)
    assert "new_device_then_payout" not in fired("withdrawal.requested", member)


# --- quick_withdrawal


def top_up(user, amount, **kwargs):
    amount = Decimal(amount)
    fee = Decimal("0.60")
    return TopUpFactory(
        user=user, amount=amount, processing_fee=fee, charged=amount + fee, **kwargs
    )


def paid_top_up(user, amount="100.00", *, minutes_ago=10):
    return top_up(
        user,
        amount,
        status="succeeded",
        completed_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_withdrawal_right_after_deposit_fires(member):
    paid_top_up(member)
    data = {"amount": "90.00", "currency": "CNY"}
    assert "quick_withdrawal" in fired("withdrawal.requested", member, data)


def test_withdrawal_long_after_deposit_or_small_does_not_fire(member):
    paid_top_up(member, minutes_ago=180)
    data = {"amount": "90.00", "currency": "CNY"}
    assert "quick_withdrawal" not in fired("withdrawal.requested", member, data)
    paid_top_up(member, minutes_ago=5)
    small = {"amount": "20.00", "currency": "CNY"}
    assert "quick_withdrawal" not in fired("withdrawal.requested", member, small)


# --- unusual_amount


def test_amount_far_above_history_fires(member):
    for _ in range(3):
        top_up(member, "100.00")
    new = top_up(member, "5000.00")
    data = {"id": new.pk, "amount": "5000.00", "currency": "CNY"}
    assert "unusual_amount" in fired("top_up.succeeded", member, data)


def test_amount_in_line_with_history_or_without_history_does_not_fire(member):
    new = top_up(member, "5000.00")
    data = {"id": new.pk, "amount": "5000.00", "currency": "CNY"}
    assert "unusual_amount" not in fired("top_up.succeeded", member, data)  # no history
    for _ in range(3):
        top_up(member, "2000.00")
    assert "unusual_amount" not in fired("top_up.succeeded", member, data)


# --- flagged_messages


def flag(user):
    SafetyFlag.objects.create(source=FlagSource.DETECTED, subject_user=user, reasons=["contact"])


def test_repeated_flagged_messages_fire(member):
    flag(member)
    flag(member)
    assert "flagged_messages" in fired("message.flagged", member)


def test_one_flagged_message_does_not_fire(member):
    flag(member)
    SafetyFlag.objects.create(source=FlagSource.REPORTED, subject_user=member, reasons=["report"])
    assert "flagged_messages" not in fired("message.flagged", member)


# --- idea_harvesting


def ended_with_proposals(client, n, status=Status.CLOSED):
    for _ in range(n):
        project = open_project(client=client)
        proposal_on(project)
        project.status = status
        project.save(update_fields=["status"])


def test_projects_that_collect_proposals_and_never_award_fire(member):
    ended_with_proposals(member, 3)
    assert "idea_harvesting" in fired("project.closed", member)


def test_clients_who_award_or_end_few_projects_do_not_fire(member):
    ended_with_proposals(member, 2)
    assert "idea_harvesting" not in fired("project.closed", member)
    ended_with_proposals(member, 1)
    ended_with_proposals(member, 1, status=Status.AWARDED)
    assert "idea_harvesting" not in fired("project.closed", member)


# --- the engine


def test_a_rule_fires_once_per_cooldown(member):
    flag(member)
    flag(member)
    assert fired("message.flagged", member) == {"flagged_messages"}
    assert fired("message.flagged", member) == set()
    later = timezone.now() + timedelta(hours=25)
    assert fired("message.flagged", member, now=later) == {"flagged_messages"}


def test_settings_disable_or_rescore_a_rule(member, settings):
    flag(member)
    flag(member)
    settings.JIEDAN_RISK_RULES = {"flagged_messages": {"enabled": False}}
    assert fired("message.flagged", member) == set()
    settings.JIEDAN_RISK_RULES = {"flagged_messages": {"score": 33}}
    risk_evaluate(kind="message.flagged", user=member)
    assert RiskHit.objects.get(user=member).score == 33


def test_night_window_is_in_site_time():
    from jiedan.trust.rules import RULES, _is_night

    params = RULES["late_night_cancel"].params()
    assert _is_night(datetime(2025, 1, 1, 18, 30, tzinfo=ZoneInfo("UTC")), params)  # 02:30
    assert not _is_night(datetime(2025, 1, 1, 6, 0, tzinfo=ZoneInfo("UTC")), params)  # 14:00
