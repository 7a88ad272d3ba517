"""The audit trail is a hash chain: entries append in order, each linked to the one before;
changing, removing or reordering any row is caught by ``audit_verify``."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from jiedan.audit.chain import GENESIS
from jiedan.audit.models import AuditEntry, Kind
from jiedan.audit.selectors import audit_chain_verify
from jiedan.audit.services import audit_access, audit_decision
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _three():
    staff, person = StaffFactory(), UserFactory()
    first = audit_access(
        staff=staff,
        action="identity.document.view",
        reason="ticket 1234: the name on the card",
        subject=person,
        subject_user=person,
    )
    second = audit_decision(
        actor=staff, action="user.suspend", reason="刷单：多个账号", subject_user=person
    )
    third = audit_decision(actor=None, action="payout.hold", reason="rule: quick withdrawal")
    return first, second, third


def test_entries_chain_from_the_genesis_and_verify():
    first, second, third = _three()
    assert first.previous_hash == GENESIS
    assert (second.previous_hash, third.previous_hash) == (first.hash, second.hash)
    assert first.kind == Kind.ACCESS and second.kind == Kind.DECISION
    assert first.subject_type == "accounts.user"
    check = audit_chain_verify()
    assert check.intact and check.entries == 3
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact: 3 entries" in out.getvalue()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda e: AuditEntry.objects.filter(pk=e[1].pk).update(reason="nothing to see"),
        lambda e: AuditEntry.objects.filter(pk=e[1].pk).update(data={"x": 1}),
        lambda e: AuditEntry.objects.filter(pk=e[1].pk).delete(),
        lambda e: AuditEntry.objects.filter(pk=e[0].pk).update(actor=None),
    ],
    ids=["reason", "details", "removed", "actor"],
)
def test_any_change_breaks_the_chain(tamper):
    entries = _three()
    tamper(entries)
    check = audit_chain_verify()
    assert not check.intact
    with pytest.raises(CommandError, match="broken"):
        call_command("audit_verify", stdout=io.StringIO())


def test_an_entry_needs_a_reason_and_rolls_back_with_its_action():
    staff = StaffFactory()
    with pytest.raises(ValueError):
        audit_access(staff=staff, action="x", reason="  ")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_access(staff=staff, action="messages.read", reason="dispute 7")
        raise RuntimeError("the action failed")
    assert not AuditEntry.objects.exists()
