"""The statement CSV: streamed, a header row, exact decimals, local times, filters, the
person's own entries only, bounded queries, and no formula a spreadsheet would run."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from jiedan.ledger.models import Purpose
from jiedan.ledger.services import Line, account_get, ledger_post
from jiedan.payments.statement import csv_safe, kind_label
from tests.factories import UserFactory

from .factories import top_up_paid, withdrawal_sent

pytestmark = pytest.mark.django_db


def csv_url(lang="en"):
    with translation.override(lang):
        return reverse("payments:statement_csv")


def download(client, lang="en", **filters) -> list[list[str]]:
    response = client.get(csv_url(lang), filters)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="jiedan-statement-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_csv_has_a_header_and_one_exact_row_per_entry(signed_in, funded, method):
    withdrawal = withdrawal_sent(funded, method, "60.50")
    rows = download(signed_in)
    assert rows[0] == [
        "Date",
        "Kind",
        "Account",
        "Amount",
        "Currency",
        "Reference",
        "Details",
        "Journal",
    ]
    body = rows[1:]
    assert [(row[1], row[2], row[3]) for row in body] == [
        ("Withdrawal requested", "Withdrawals in progress", "60.50"),
        ("Withdrawal requested", "Wallet (available)", "-60.50"),  # a number, not text
        ("Top-up", "Wallet (available)", "500.00"),
    ]
    assert body[0][4] == "CNY"
    assert body[0][5] == withdrawal.reference
    assert body[0][7] == str(withdrawal.hold_journal_id)
    assert len(body[0][0]) == len("2026-01-01 12:00:00")


def test_amounts_are_plain_decimals_in_the_currencys_places(signed_in, user):
    top_up_paid(user, "999999.99", key="big")
    top_up_paid(user, "5000", currency="JPY", key="yen")
    rows = download(signed_in)[1:]
    assert {(row[3], row[4]) for row in rows} == {("999999.99", "CNY"), ("5000", "JPY")}


def test_only_the_persons_own_wallet_pending_and_payout_entries(signed_in, user):
    top_up_paid(user, "100.00", key="mine")
    top_up_paid(UserFactory(), "70.00", key="theirs")
    rows = download(signed_in)[1:]
    assert [row[3] for row in rows] == ["100.00"]  # not the other person's, nor clearing


def test_filters_apply_to_the_csv(signed_in, funded, method):
    withdrawal_sent(funded, method, "60.00")
    assert len(download(signed_in, kind="wallet.top_up")) == 2
    assert len(download(signed_in, account="payout")) == 2
    assert len(download(signed_in, date_to="2000-01-01")) == 1


def test_the_csv_is_in_the_pages_language(signed_in, funded):
    rows = download(signed_in, lang="zh-hans")
    assert len(rows) == 2
    assert rows[1][3] == "500.00"


def test_text_that_looks_like_a_formula_is_defused(signed_in, user):
    # given an entry whose memo and reference came from somewhere untrusted
    wallet = account_get(purpose=Purpose.WALLET, currency="CNY", owner=user)
    clearing = account_get(purpose=Purpose.GATEWAY_CLEARING, currency="CNY")
    ledger_post(
        idempotency_key="odd",
        kind='=HYPERLINK("http://evil")',
        lines=[Line(clearing, -1), Line(wallet, 1)],
        memo="@SUM(A1:A9)",
        reference="+cmd|' /C calc'!A0",
    )
    row = download(signed_in)[1]
    assert row[1] == '\'=HYPERLINK("http://evil")'
    assert row[5] == "'+cmd|' /C calc'!A0"
    assert row[6] == "'@SUM(A1:A9)"
    assert all(not cell.startswith(("=", "+", "@")) for cell in row)


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_csv_safe(text, safe):
    assert csv_safe(text) == safe


def test_kind_labels_cover_reversals_and_unknown_kinds():
    assert kind_label("wallet.top_up") == "Top-up"
    assert kind_label("wallet.top_up.reversed") == "Reversal: Top-up"
    assert kind_label("something.new") == "something.new"


def test_a_long_statement_streams_in_a_few_queries(signed_in, user, django_assert_max_num_queries):
    for number in range(30):
        top_up_paid(user, "1.00", key=f"t{number}")
    with django_assert_max_num_queries(5):
        rows = download(signed_in)
    assert len(rows) == 31


def test_signed_out_people_get_no_csv(client):
    assert client.get(csv_url()).status_code == 302
