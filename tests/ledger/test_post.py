"""Posting journals: balanced, quantized, never overdrawn, idempotent, reversible; refused
input changes no balance and writes no row."""

from decimal import Decimal

import pytest

from jiedan.core.errors import Conflict, InvalidInput, NotFound
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.models import Entry, Journal, Purpose
from jiedan.ledger.services import Line, account_get, ledger_post, ledger_reverse

from .helpers import balances, clearing, escrow, top_up, wallet

pytestmark = pytest.mark.django_db


def test_a_top_up_moves_money_from_clearing_into_the_wallet(user):
    journal = top_up(user, "100.00")
    assert wallet(user).balance == Decimal("100.00")
    assert clearing().balance == Decimal("-100.00")  # owed by the provider
    assert sorted(journal.entries.values_list("amount", flat=True)) == [
        Decimal("-100.00"),
        Decimal("100.00"),
    ]
    assert ledger_audit() == []


def test_funding_escrow_then_releasing_with_a_fee(user, other_user):
    top_up(user, "1000.00")
    hold = escrow("milestone:1")
    ledger_post(
        idempotency_key="fund:1",
        kind="milestone.funded",
        lines=[Line(wallet(user), Decimal("-800.00")), Line(hold, Decimal("800.00"))],
    )
    pending = account_get(purpose=Purpose.PENDING, currency="CNY", owner=other_user)
    fees = account_get(purpose=Purpose.PLATFORM_FEES, currency="CNY")
    ledger_post(
        idempotency_key="release:1",
        kind="milestone.released",
        lines=[
            Line(hold, Decimal("-800.00")),
            Line(pending, Decimal("720.00")),
            Line(fees, Decimal("80.00")),
        ],
    )
    for account in (pending, fees):
        account.refresh_from_db()
    assert [a.balance for a in (wallet(user), escrow("milestone:1"), pending, fees)] == [
        Decimal("200.00"),
        Decimal("0.00"),
        Decimal("720.00"),
        Decimal("80.00"),
    ]
    assert ledger_audit() == []


@pytest.mark.parametrize(
    "amounts, code",
    [
        (["-100.00", "99.99"], "journal_unbalanced"),
        (["-100.001", "100.001"], "entry_amount"),
        (["0", "0"], "entry_amount"),
        (["-100.00"], "journal_too_short"),
    ],
)
def test_bad_journals_are_refused_and_change_nothing(user, other_user, amounts, code):
    top_up(user, "500.00")
    accounts = [wallet(user), wallet(other_user)]
    before = balances()
    lines = [Line(account, Decimal(a)) for account, a in zip(accounts, amounts, strict=False)]
    with pytest.raises(InvalidInput) as error:
        ledger_post(idempotency_key="bad", kind="test", lines=lines)
    assert error.value.code == code
    assert balances() == before
    assert not Journal.objects.filter(idempotency_key="bad").exists()


def test_an_account_twice_or_currencies_that_do_not_balance_are_refused(user):
    top_up(user, "500.00")
    top_up(user, "10.00", currency="USD")
    wallet(user)
    before = balances()
    with pytest.raises(InvalidInput) as error:
        ledger_post(
            idempotency_key="twice",
            kind="test",
            lines=[Line(wallet(user), Decimal("-1.00")), Line(wallet(user), Decimal("1.00"))],
        )
    assert error.value.code == "journal_repeat"
    with pytest.raises(InvalidInput) as error:  # -5 CNY against +5 USD does not balance
        ledger_post(
            idempotency_key="fx",
            kind="test",
            lines=[Line(wallet(user), Decimal("-5.00")), Line(clearing("USD"), Decimal("5.00"))],
        )
    assert error.value.code == "journal_unbalanced"
    assert balances() == before


def test_no_wallet_is_overdrawn(user, other_user):
    top_up(user, "50.00")
    mine, theirs = wallet(user), wallet(other_user)
    before = balances()
    with pytest.raises(Conflict) as error:
        ledger_post(
            idempotency_key="too-much",
            kind="transfer",
            lines=[Line(mine, Decimal("-50.01")), Line(theirs, Decimal("50.01"))],
        )
    assert error.value.code == "insufficient_funds"
    assert balances() == before
    assert Journal.objects.count() == 1


def test_the_same_key_and_entries_post_once(user):
    first = top_up(user, "100.00", key="k1")
    again = top_up(user, "100.00", key="k1")
    assert again.pk == first.pk
    assert wallet(user).balance == Decimal("100.00")
    assert Entry.objects.count() == 2


def test_the_same_key_with_other_entries_is_422_and_changes_nothing(user):
    top_up(user, "100.00", key="k1")
    before = balances()
    with pytest.raises(InvalidInput) as error:
        top_up(user, "200.00", key="k1")
    assert error.value.code == "idempotency_key_reused"
    assert balances() == before


def test_a_reversal_undoes_a_journal_once(user):
    journal = top_up(user, "100.00")
    reversal = ledger_reverse(journal_id=journal.pk, idempotency_key="undo")
    assert reversal.reverses_id == journal.pk
    assert reversal.kind == "wallet.top_up.reversed"
    assert wallet(user).balance == 0 and clearing().balance == 0
    assert ledger_reverse(journal_id=journal.pk, idempotency_key="undo").pk == reversal.pk
    with pytest.raises(Conflict) as error:
        ledger_reverse(journal_id=journal.pk, idempotency_key="undo-again")
    assert error.value.code == "journal_reversed"
    with pytest.raises(Conflict) as error:
        ledger_reverse(journal_id=reversal.pk, idempotency_key="undo-the-undo")
    assert error.value.code == "journal_is_reversal"
    with pytest.raises(NotFound):
        ledger_reverse(journal_id=10**9, idempotency_key="nothing")
    assert ledger_audit() == []


def test_money_already_spent_cannot_be_reversed(user, other_user):
    journal = top_up(user, "100.00")
    ledger_post(
        idempotency_key="spend",
        kind="transfer",
        lines=[Line(wallet(user), Decimal("-60.00")), Line(wallet(other_user), Decimal("60.00"))],
    )
    before = balances()
    with pytest.raises(Conflict) as error:
        ledger_reverse(journal_id=journal.pk, idempotency_key="undo")
    assert error.value.code == "insufficient_funds"
    assert balances() == before


def test_accounts_have_one_shape_per_purpose(user):
    assert wallet(user).pk == wallet(user).pk  # opened once
    assert wallet(user, "USD").pk != wallet(user).pk
    with pytest.raises(ValueError):
        account_get(purpose=Purpose.WALLET, currency="CNY")  # a wallet needs its owner
    with pytest.raises(ValueError):
        account_get(purpose=Purpose.ESCROW, currency="CNY", owner=user, reference="x")
    with pytest.raises(ValueError):
        account_get(purpose=Purpose.PLATFORM_FEES, currency="CNY", reference="x")
    with pytest.raises(InvalidInput):
        account_get(purpose=Purpose.WALLET, currency="XYZ", owner=user)
