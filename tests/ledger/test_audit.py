"""``manage.py ledger_audit`` passes on sound books and fails, naming the problem, when a row
was written around the services."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from jiedan.ledger.models import Account, Entry, Journal

from .helpers import clearing, top_up, wallet

pytestmark = pytest.mark.django_db


def audit(capsys) -> tuple[int, str]:
    try:
        call_command("ledger_audit")
    except SystemExit as exit_:
        return exit_.code, capsys.readouterr().err
    return 0, capsys.readouterr().out


def test_sound_books_pass(user, capsys):
    top_up(user, "100.00")
    code, out = audit(capsys)
    assert code == 0
    assert "Ledger audit passed: 1 journals, 2 accounts." in out


def test_a_cached_balance_out_of_step_fails(user, capsys):
    top_up(user, "100.00")
    Account.objects.filter(pk=wallet(user).pk).update(balance=Decimal("150.00"))
    code, err = audit(capsys)
    assert code == 1
    assert "balance_mismatch" in err and "cached 150.00, entries sum 100.00" in err


def test_an_unbalanced_journal_written_around_the_services_fails(user, capsys):
    journal = Journal.objects.create(idempotency_key="raw", kind="raw", fingerprint="-")
    Entry.objects.create(journal=journal, account=wallet(user), amount=Decimal("5.00"))
    Account.objects.filter(pk=wallet(user).pk).update(balance=Decimal("5.00"))
    code, err = audit(capsys)
    assert code == 1
    assert "journal_unbalanced" in err and "journal_too_short" in err
    assert "balance_mismatch" not in err


def test_an_entry_in_another_currency_fails(user, capsys):
    # given a journal written around the services: dollars booked into a yuan wallet
    journal = Journal.objects.create(idempotency_key="raw", kind="raw", fingerprint="-")
    Entry.objects.create(journal=journal, account=wallet(user), amount=5, currency="USD")
    Entry.objects.create(journal=journal, account=clearing("USD"), amount=-5, currency="USD")
    Account.objects.filter(pk=wallet(user).pk).update(balance=Decimal("5.00"))
    Account.objects.filter(pk=clearing("USD").pk).update(balance=Decimal("-5.00"))
    # then only that is reported
    code, err = audit(capsys)
    assert code == 1
    assert err.count("entry_currency") == 1
    assert "journal_unbalanced" not in err and "balance_mismatch" not in err
