"""Actions take effect and lift; appeals; automatic actions from the score; audit chain."""

import pytest
from django.urls import reverse
from django.utils import translation

from jiedan.audit.models import AuditEntry
from jiedan.audit.selectors import audit_chain_verify
from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jiedan.messaging.models import FlagSource, SafetyFlag
from jiedan.payments import services as payments
from jiedan.payments.models import Withdrawal
from jiedan.projects.models import Status
from jiedan.projects.services import project_publish
from jiedan.trust.models import Action, Appeal, Enforcement, QueueItem, SourceKind
from jiedan.trust.selectors import feature_allowed
from jiedan.trust.services import (
    appeal_decide,
    appeal_submit,
    enforcement_apply,
    enforcement_lift,
    risk_evaluate,
)
from tests.factories import bearer
from tests.payments.factories import bank_method, top_up_paid
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def withdraw(user, method, key="w-1"):
    return payments.withdrawal_request(
        user=user, method_id=method.pk, amount="100.00", currency="CNY", idempotency_key=key
    )


def test_hold_payouts_stops_withdrawals_until_lifted(member, moderator, apply):
    top_up_paid(member, "500.00", key="t")
    method = bank_method(member)
    hold = apply(member, Action.HOLD_PAYOUTS, reason="Withdrawals are paused while we check.")
    with pytest.raises(PermissionDenied) as refused:
        withdraw(member, method)
    assert refused.value.code == "account_hold_payouts"
    assert "Withdrawals are paused while we check." in str(refused.value.message)
    assert not Withdrawal.objects.exists()
    enforcement_lift(enforcement_id=hold.pk, actor=moderator, reason="Checked, all fine.")
    assert withdraw(member, method).status == Withdrawal.Status.REQUESTED


def test_restrict_stops_only_the_named_features(member, apply):
    project = ProjectFactory(client=member)
    apply(member, Action.RESTRICT, features=["post_projects"])
    with pytest.raises(PermissionDenied):
        project_publish(client=member, project_id=project.pk)
    project.refresh_from_db()
    assert project.status == Status.DRAFT
    assert feature_allowed(member, "send_messages")


def test_restrict_needs_features_and_a_reason(member, moderator):
    with pytest.raises(InvalidInput):
        enforcement_apply(user=member, action=Action.RESTRICT, reason="x", actor=moderator)
    with pytest.raises(InvalidInput):
        enforcement_apply(user=member, action=Action.WARN, reason=" ", actor=moderator)
    assert not Enforcement.objects.exists()


def test_a_non_moderator_cannot_apply_or_lift(member, support, apply):
    with pytest.raises(PermissionDenied):
        enforcement_apply(user=member, action=Action.SUSPEND, reason="no", actor=support)
    warn = apply(member, Action.WARN)
    with pytest.raises(PermissionDenied):
        enforcement_lift(enforcement_id=warn.pk, actor=support, reason="no")
    warn.refresh_from_db()
    assert warn.lifted_at is None
    assert Enforcement.objects.count() == 1


def test_require_mfa_is_satisfied_by_turning_it_on(member, apply):
    from allauth.mfa.models import Authenticator

    apply(member, Action.REQUIRE_MFA)
    assert not feature_allowed(member, "withdraw")
    Authenticator.objects.create(user=member, type=Authenticator.Type.TOTP, data={})
    assert feature_allowed(member, "withdraw")


def test_suspended_person_sees_only_their_status(client, member, apply):
    apply(member, Action.SUSPEND, reason="Your account sent many scam messages.")
    client.force_login(member)
    with translation.override("en"):
        home = client.get(reverse("projects:browse"))
        status = client.get(reverse("trust:account"))
    assert home.status_code == 302 and "/trust/account/" in home.url
    assert status.status_code == 200
    assert "Your account sent many scam messages." in status.content.decode()
    assert client.get("/api/v1/projects").json()["code"] == "account_suspended"
    assert client.get("/api/v1/trust/account").status_code == 200


def test_a_suspended_persons_access_token_opens_only_their_status(client, member, apply):
    # given a suspended person who calls the API with an access token
    headers = bearer(member)
    apply(member, Action.SUSPEND, reason="Your account sent many scam messages.")
    # when they call anything but their account status and appeals
    refused = client.get("/api/v1/contracts", **headers)
    written = client.post("/api/v1/projects", {}, content_type="application/json", **headers)
    # then they are refused with the reason to look at their status, as in the browser
    assert refused.status_code == 403 and refused.json()["code"] == "account_suspended"
    assert written.status_code == 403 and written.json()["code"] == "account_suspended"
    assert client.get("/api/v1/trust/account", **headers).status_code == 200


def test_a_lifted_suspension_opens_the_api_to_the_token_again(client, member, moderator, apply):
    headers = bearer(member)
    suspension = apply(member, Action.SUSPEND)
    assert client.get("/api/v1/contracts", **headers).status_code == 403
    enforcement_lift(enforcement_id=suspension.pk, actor=moderator, reason="Appeal upheld.")
    assert client.get("/api/v1/contracts", **headers).status_code == 200


def test_appeal_flow(member, moderator, apply):
    hold = apply(member, Action.HOLD_PAYOUTS)
    appeal = appeal_submit(user=member, enforcement_id=hold.pk, text="I only moved my savings.")
    with pytest.raises(Conflict):
        appeal_submit(user=member, enforcement_id=hold.pk, text="Again")
    item = QueueItem.objects.get(source_kind=SourceKind.APPEAL, source_id=appeal.pk)
    assert item.subject_user == member
    appeal_decide(appeal_id=appeal.pk, actor=moderator, uphold=True, reason="Fair enough.")
    hold.refresh_from_db()
    appeal.refresh_from_db()
    assert appeal.status == "upheld" and hold.lifted_at is not None
    assert feature_allowed(member, "withdraw")


def test_someone_else_cannot_appeal_my_action(member, other_user, apply):
    hold = apply(member, Action.HOLD_PAYOUTS)
    with pytest.raises(NotFound):
        appeal_submit(user=other_user, enforcement_id=hold.pk, text="let them go")
    assert not Appeal.objects.exists()


def test_score_over_thresholds_queues_and_holds_payouts(member, settings):
    settings.JIEDAN_RISK_RULES = {"flagged_messages": {"score": 45, "count": 1}}
    SafetyFlag.objects.create(source=FlagSource.DETECTED, subject_user=member, reasons=["x"])
    risk_evaluate(kind="message.flagged", user=member)
    assert QueueItem.objects.filter(source_kind=SourceKind.RISK, subject_user=member).count() == 1
    assert feature_allowed(member, "withdraw")
    settings.JIEDAN_RISK_RULES = {
        "flagged_messages": {"score": 45, "count": 1, "cooldown_hours": 0}
    }
    risk_evaluate(kind="message.flagged", user=member)
    hold = Enforcement.objects.get(user=member, action=Action.HOLD_PAYOUTS)
    assert hold.created_by is None and not feature_allowed(member, "withdraw")
    assert QueueItem.objects.filter(source_kind=SourceKind.RISK, subject_user=member).count() == 1
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"trust.risk.hit", "trust.enforcement.hold_payouts"} <= actions
    assert audit_chain_verify().intact


def test_services_report_events_after_commit(member, django_capture_on_commit_callbacks, settings):
    settings.JIEDAN_RISK_RULES = {"flagged_messages": {"count": 1}}
    from tests.messaging.factories import proposal_conversation, say

    conversation = proposal_conversation(freelancer=member)
    freelancer = member
    with django_capture_on_commit_callbacks(execute=True):
        say(conversation, freelancer, "加我微信 wxid_abc12345，我们私下付款吧")
    assert freelancer.risk_hits.filter(rule="flagged_messages").exists()
