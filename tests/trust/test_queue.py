"""The review queue: sources come in, one moderator at a time, decisions run the owning
app's service and are audited; people without the role get 404/403 and nothing changes."""

import pytest
from django.urls import reverse
from django.utils import translation

from jiedan.audit.models import AuditEntry
from jiedan.audit.selectors import audit_chain_verify
from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jiedan.messaging.models import FlagSource, FlagStatus, SafetyFlag
from jiedan.trust.models import Action, Enforcement, ProjectReport, QueueItem, QueueStatus
from jiedan.trust.services import project_report, queue_claim, queue_decide, queue_sync
from tests.factories import StaffFactory, bearer
from tests.projects.factories import open_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def flag_item(member):
    SafetyFlag.objects.create(source=FlagSource.DETECTED, subject_user=member, reasons=["phone"])
    assert queue_sync() == 1
    return QueueItem.objects.get(source_kind="safety_flag")


def test_sync_queues_each_open_source_once(flag_item):
    assert queue_sync() == 0
    assert flag_item.events.get().what == "queued"


def test_one_moderator_at_a_time(flag_item, moderator):
    other = StaffFactory(roles=["moderator"])
    queue_claim(item_id=flag_item.pk, actor=moderator)
    with pytest.raises(Conflict):
        queue_claim(item_id=flag_item.pk, actor=other)
    with pytest.raises(Conflict):
        queue_decide(item_id=flag_item.pk, actor=other, decision="dismiss", reason="fine")
    flag_item.refresh_from_db()
    assert flag_item.claimed_by == moderator and flag_item.status == QueueStatus.CLAIMED


def test_decide_closes_the_flag_restricts_and_audits(flag_item, moderator, member):
    queue_decide(
        item_id=flag_item.pk,
        actor=moderator,
        decision="restrict",
        reason="You shared your phone number to take payment outside Jiedan.",
        features=["send_messages"],
    )
    flag_item.refresh_from_db()
    assert flag_item.status == QueueStatus.DECIDED and flag_item.decision == "restrict"
    assert SafetyFlag.objects.get().status == FlagStatus.CLOSED
    restriction = Enforcement.objects.get(user=member)
    assert restriction.action == Action.RESTRICT and restriction.features == ["send_messages"]
    whats = [e.what for e in flag_item.events.all()]
    assert whats == ["queued", "claimed", "decided:restrict"]
    assert AuditEntry.objects.filter(action="trust.queue.restrict").exists()
    assert audit_chain_verify().intact


def test_a_decision_needs_a_reason_and_an_allowed_choice(flag_item, moderator):
    with pytest.raises(InvalidInput):
        queue_decide(item_id=flag_item.pk, actor=moderator, decision="dismiss", reason="")
    with pytest.raises(InvalidInput):
        queue_decide(item_id=flag_item.pk, actor=moderator, decision="hide", reason="x")
    flag_item.refresh_from_db()
    assert flag_item.status != QueueStatus.DECIDED
    assert SafetyFlag.objects.get().status == FlagStatus.OPEN


def test_non_moderators_are_refused_and_nothing_changes(flag_item, support, member, client):
    with pytest.raises(NotFound):
        queue_claim(item_id=flag_item.pk, actor=support)
    with pytest.raises(PermissionDenied):
        queue_decide(item_id=flag_item.pk, actor=member, decision="suspend", reason="x")
    client.force_login(support)
    with translation.override("en"):
        assert client.get(reverse("trust:queue")).status_code == 404
        post = client.post(
            reverse("trust:queue_decide", args=[flag_item.pk]),
            {"decision": "suspend", "reason": "x"},
        )
    assert post.status_code == 404
    api = client.post(
        f"/api/v1/trust/queue/{flag_item.pk}/decide",
        {"decision": "suspend", "reason": "x"},
        content_type="application/json",
        **bearer(support),
    )
    assert api.status_code == 403
    flag_item.refresh_from_db()
    assert flag_item.status == QueueStatus.OPEN and not Enforcement.objects.exists()
    assert not AuditEntry.objects.exists()


def test_report_project_enters_the_queue_once(member, moderator):
    project = open_project()
    project_report(reporter=member, project_id=project.pk, reason="free_work", note="samples")
    with pytest.raises(Conflict):
        project_report(reporter=member, project_id=project.pk, reason="scam")
    item = QueueItem.objects.get(source_kind="project_report")
    assert item.subject_user == project.client
    queue_decide(item_id=item.pk, actor=moderator, decision="warn", reason="Pay for samples.")
    assert Enforcement.objects.get(user=project.client).action == Action.WARN
    assert ProjectReport.objects.count() == 1


def test_queue_pages_for_a_moderator(client, flag_item, moderator, django_assert_max_num_queries):
    client.force_login(moderator)
    with translation.override("en"):
        with django_assert_max_num_queries(15):
            page = client.get(reverse("trust:queue"))
        assert page.status_code == 200 and "phone" in page.content.decode()
        assert client.get(reverse("trust:queue_item", args=[flag_item.pk])).status_code == 200
        claim = client.post(reverse("trust:queue_claim", args=[flag_item.pk]))
        assert claim.status_code == 302
        decide = client.post(
            reverse("trust:queue_decide", args=[flag_item.pk]),
            {"decision": "dismiss", "reason": "A shop phone number, allowed."},
        )
        assert decide.status_code == 302
        assert client.get(reverse("trust:rules")).status_code == 200
        assert (
            client.get(reverse("trust:person", args=[flag_item.subject_user_id])).status_code == 200
        )
    flag_item.refresh_from_db()
    assert flag_item.decision == "dismiss"


def test_queue_api(client, flag_item, moderator):
    headers = bearer(moderator)
    listed = client.get("/api/v1/trust/queue?kind=safety_flag", **headers)
    assert [i["id"] for i in listed.json()] == [flag_item.pk]
    assert client.post(f"/api/v1/trust/queue/{flag_item.pk}/claim", **headers).status_code == 200
    decided = client.post(
        f"/api/v1/trust/queue/{flag_item.pk}/decide",
        {"decision": "warn", "reason": "Keep contact on Jiedan."},
        content_type="application/json",
        **headers,
    )
    assert decided.status_code == 200 and decided.json()["status"] == "decided"


def test_account_page_appeal_and_api(client, member, apply):
    warn = apply(member, Action.HOLD_PAYOUTS, reason="We are checking a large withdrawal.")
    client.force_login(member)
    with translation.override("en"):
        page = client.get(reverse("trust:account"))
        assert "We are checking a large withdrawal." in page.content.decode()
        home = client.get(reverse("trust:account"))
        assert b'data-testid="trust-banner"' in home.content
        client.post(reverse("trust:appeal", args=[warn.pk]), {"text": "It is my salary."})
    listed = client.get("/api/v1/trust/account", **bearer(member)).json()
    assert listed[0]["active"] and listed[0]["appeals"][0]["status"] == "open"
    again = client.post(
        f"/api/v1/trust/account/{warn.pk}/appeal",
        {"text": "again"},
        content_type="application/json",
        **bearer(member),
    )
    assert again.status_code == 409


def test_fingerprint_is_recorded_once_per_session(client, member):
    client.force_login(member)
    with translation.override("en"):
        url = reverse("trust:fingerprint")
        assert client.post(url, {"hash": "zz"}).status_code == 422
        assert client.post(url, {"hash": "ab" * 32}, HTTP_USER_AGENT="UA").json() == {"ok": True}
        client.post(url, {"hash": "ab" * 32})
    device = member.device_fingerprints.get()
    assert device.user_agent == "UA" and device.ip == "127.0.0.1"


def test_report_form_on_project_page(client, member):
    project = open_project()
    client.force_login(member)
    with translation.override("en"):
        page = client.get(reverse("projects:detail", args=[project.pk]))
        assert "Report this project" in page.content.decode()
        client.post(
            reverse("trust:report_project", args=[project.pk]),
            {"reason": "scam", "next": "/en/"},
        )
    assert ProjectReport.objects.filter(project=project, reporter=member).exists()
