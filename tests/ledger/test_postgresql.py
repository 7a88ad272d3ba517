"""What only PostgreSQL can show: the append-only trigger, and journals posted by many threads
at once (real row locks; SQLite serialises whole write transactions)."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from jiedan.core.errors import Conflict
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.models import Entry, Journal
from jiedan.ledger.services import Line, ledger_post, ledger_reverse
from tests.factories import UserFactory

from .helpers import top_up, wallet

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the trigger and row locks (SELECT … FOR UPDATE) need PostgreSQL",
    ),
]
RACERS = 12


def race(call) -> list:
    """Run ``call(index)`` in RACERS threads released at the same moment."""
    barrier = threading.Barrier(RACERS)
    results = [None] * RACERS

    def run(index):
        try:
            barrier.wait()
            results[index] = call(index)
        except Conflict as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_posted_rows_cannot_be_updated_or_deleted():
    user = UserFactory()
    journal = top_up(user, "100.00")
    for change in (
        lambda: Entry.objects.filter(journal=journal).update(amount=Decimal("1.00")),
        lambda: Entry.objects.filter(journal=journal).delete(),
        lambda: Journal.objects.filter(pk=journal.pk).update(memo="edited"),
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            change()
    assert sorted(Entry.objects.values_list("amount", flat=True)) == [
        Decimal("-100.00"),
        Decimal("100.00"),
    ]


def test_many_requests_with_one_key_post_one_journal():
    user = UserFactory()
    results = race(lambda _index: top_up(user, "100.00", key="same-key"))
    assert all(isinstance(result, Journal) for result in results), results
    assert len({result.pk for result in results}) == 1
    assert Journal.objects.count() == 1
    assert wallet(user).balance == Decimal("100.00")
    assert ledger_audit() == []


def test_parallel_spending_never_overdraws_a_wallet():
    # given a wallet with enough for five payments of 20
    payer, payees = UserFactory(), [UserFactory() for _ in range(RACERS)]
    top_up(payer, "100.00")
    source = wallet(payer)
    targets = [wallet(payee) for payee in payees]

    # when twelve payments are made at once
    def pay(index):
        return ledger_post(
            idempotency_key=f"pay:{index}",
            kind="transfer",
            lines=[Line(source, Decimal("-20.00")), Line(targets[index], Decimal("20.00"))],
        )

    results = race(pay)
    # then exactly five go through and the books balance
    assert sum(isinstance(result, Journal) for result in results) == 5
    assert {r.code for r in results if isinstance(r, Conflict)} == {"insufficient_funds"}
    assert wallet(payer).balance == 0
    assert ledger_audit() == []


def test_parallel_reversals_undo_a_journal_once():
    user = UserFactory()
    journal = top_up(user, "100.00")
    results = race(lambda index: ledger_reverse(journal_id=journal.pk, idempotency_key=f"u{index}"))
    assert sum(isinstance(result, Journal) for result in results) == 1
    assert {r.code for r in results if isinstance(r, Conflict)} == {"journal_reversed"}
    assert wallet(user).balance == 0
    assert ledger_audit() == []
