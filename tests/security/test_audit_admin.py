"""The audit trail in the back office: read-only, and "Verify the chain" says intact or
where it breaks."""

import pytest
from django.contrib.messages import get_messages

from jiedan.audit.models import AuditEntry
from jiedan.audit.services import audit_access, audit_decision
from tests.factories import UserFactory

from .conftest import browser, staff

pytestmark = pytest.mark.django_db

VERIFY = "/admin/audit/auditentry/verify/"


def _trail():
    person = UserFactory()
    audit_access(staff=staff("finance"), action="x.view", reason="ticket 1", subject_user=person)
    audit_decision(actor=None, action="user.restrict", reason="rule 7", subject_user=person)


def _said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_admins_see_an_intact_chain():
    _trail()
    response = browser(staff("admin")).get(VERIFY, follow=True)
    assert response.status_code == 200
    assert any("intact" in text for text in _said(response))
    assert 'data-testid="verify-chain"' in response.content.decode()


def test_a_changed_entry_is_reported_with_its_number():
    _trail()
    tampered = AuditEntry.objects.order_by("id").first()
    AuditEntry.objects.filter(pk=tampered.pk).update(reason="nothing to see")
    response = browser(staff("admin")).get(VERIFY, follow=True)
    assert any(f"broken at entry {tampered.pk}" in text for text in _said(response))


@pytest.mark.parametrize("role", ["support", "finance", "moderator", "mediator"])
def test_other_staff_cannot_verify_or_read(role):
    client = browser(staff(role))
    assert client.get(VERIFY).status_code == 403
    assert client.get("/admin/audit/auditentry/").status_code == 403


def test_nobody_adds_changes_or_deletes_entries():
    _trail()
    entry = AuditEntry.objects.first()
    client = browser(staff("admin"))
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    changed = client.post(
        f"/admin/audit/auditentry/{entry.pk}/change/?access_reason=checking+entry",
        {"reason": "rewritten"},
    )
    assert changed.status_code == 403
    entry.refresh_from_db()
    assert entry.reason != "rewritten"
