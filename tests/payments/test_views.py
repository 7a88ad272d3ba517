"""Wallet pages in both languages: overview, top-up and the sandbox checkout, refund, withdraw
and the sandbox bank, payout methods, statement; other people's records; bounded queries."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.models import Purpose
from jiedan.ledger.selectors import wallet_summary
from jiedan.ledger.services import Line, account_get, ledger_post, pending_funds_record
from jiedan.payments import services
from jiedan.payments.models import PayoutMethod, SandboxOperation, TopUp, Withdrawal
from tests.factories import UserFactory
from tests.ledger.helpers import balances

from .factories import bank_method, deliver, row_counts, sandbox_of, top_up_paid, withdrawal_sent

pytestmark = pytest.mark.django_db
Kind = SandboxOperation.Kind
LANGUAGES = ["en", "zh-hans"]
# Session, user, then the page's own reads (the wallet: three per currency held).
# Each includes the header bell's unread count.
QUERY_BOUNDS = {"wallet": 13, "statement": 6, "payout_methods": 4, "withdraw": 7}


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(f"payments:{name}", args=args)


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_renders_in_both_languages(signed_in, funded, method, lang):
    top_up = TopUp.objects.get()
    for name, args in (
        ("wallet", ()),
        ("top_up", ()),
        ("top_up_detail", (top_up.pk,)),
        ("withdraw", ()),
        ("payout_methods", ()),
        ("statement", ()),
    ):
        page = html(signed_in.get(url(name, *args, lang=lang)))
        assert f'<html lang="{lang}">' in page
    checkout = SandboxOperation.objects.get(kind=Kind.CHARGE).token
    assert "¥503.00" in html(Client().get(url("sandbox_checkout", checkout, lang=lang)))


def test_pages_need_sign_in(client):
    response = client.get(url("wallet"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_overview_shows_every_kind_of_balance(signed_in, funded, method):
    withdrawal_sent(funded, method, "100.00")
    page = html(signed_in.get(url("wallet")))
    assert re.search(r'data-balance="available">¥400.00<', page)
    assert "On the way out: ¥100.00" in page
    assert "In escrow: ¥0.00" in page
    assert "Pending: ¥0.00" in page
    assert "Open in the sandbox bank" in page
    assert "Added to your wallet" in page


def test_the_overview_says_when_pending_earnings_become_available(signed_in, user):
    # given earnings released to the person, still in the hold period
    pending = account_get(purpose=Purpose.PENDING, currency="CNY", owner=user)
    clearing = account_get(purpose=Purpose.GATEWAY_CLEARING, currency="CNY")
    journal = ledger_post(
        idempotency_key="earned",
        kind="escrow.released",
        lines=[Line(clearing, Decimal("-80.00")), Line(pending, Decimal("80.00"))],
    )
    funds = pending_funds_record(
        journal=journal, owner=user, amount=Decimal("80.00"), currency="CNY"
    )
    # then the wallet shows them pending, and from when
    page = html(signed_in.get(url("wallet")))
    assert "Pending: ¥80.00" in page
    when = date_format(timezone.localtime(funds.available_at), "SHORT_DATETIME_FORMAT")
    assert f"¥80.00 available from {when}" in page
    assert f"(next part available {when})" in page


def test_the_wallet_link_is_in_the_menu_for_signed_in_people(client, signed_in):
    assert 'href="/en/wallet/"' in html(signed_in.get("/en/"))
    assert 'href="/en/wallet/"' not in html(client.get("/en/"))


def test_top_up_quote_then_checkout_then_back_to_a_credited_wallet(signed_in, user):
    # the live quote says what the person pays and receives
    quote = html(signed_in.get(url("top_up_quote"), {"amount": "200", "currency": "CNY"}))
    assert "You pay ¥201.20, your wallet receives ¥200.00." in quote
    assert "Enter an amount" in html(signed_in.get(url("top_up_quote"), {"amount": "x"}))
    form = html(signed_in.get(url("top_up")))
    key = re.search(r'name="idempotency_key" value="(\w+)"', form).group(1)
    # when they continue to payment
    data = {"amount": "200", "currency": "CNY", "idempotency_key": key}
    response = signed_in.post(url("top_up"), data)
    top_up = TopUp.objects.get()
    assert response.status_code == 302
    assert response["Location"] == top_up.checkout_url
    # a double click does not start a second top-up
    assert signed_in.post(url("top_up"), data)["Location"] == top_up.checkout_url
    assert TopUp.objects.count() == 1
    # and pay at the sandbox checkout, which sends them back
    checkout = html(signed_in.get(response["Location"]))
    assert "¥201.20" in checkout and "No real money moves" in checkout
    back = signed_in.post(response["Location"], {"choice": "pay"})
    assert back["Location"] == top_up.checkout_url.replace(
        f"sandbox/checkout/{top_up.provider_reference}/", f"top-ups/{top_up.pk}/"
    ).replace("/zh-hans/", "/en/")
    deliver(sandbox_of(top_up, Kind.CHARGE))
    assert "¥200.00 is in your wallet." in html(signed_in.get(back["Location"]))
    assert wallet_summary(owner=user, currency="CNY").available == Decimal("200.00")


def test_a_declined_checkout_shows_nothing_was_added(signed_in, user):
    top_up = services.top_up_start(user=user, amount="50", currency="CNY", idempotency_key="d")
    signed_in.post(top_up.checkout_url, {"choice": "decline"})
    deliver(sandbox_of(top_up, Kind.CHARGE))
    page = html(signed_in.get(url("top_up_detail", top_up.pk)))
    assert "Payment failed" in page and "nothing was added" in page
    # a decided checkout offers no more buttons
    assert 'value="pay"' not in html(Client().get(top_up.checkout_url))


def test_bad_top_up_input_shows_the_form_again(signed_in):
    page = html(
        signed_in.post(url("top_up"), {"amount": "0", "currency": "CNY", "idempotency_key": "k"})
    )
    assert "Enter an amount above 0" in page
    assert TopUp.objects.count() == 0


def test_refund_from_the_top_up_page(signed_in, funded):
    top_up = TopUp.objects.get()
    page = html(signed_in.get(url("top_up_detail", top_up.pk)))
    assert "Up to ¥500.00 of this top-up can go back" in page
    response = signed_in.post(
        url("top_up_refund", top_up.pk), {"amount": "100", "idempotency_key": "r1"}
    )
    assert response.status_code == 302
    page = html(signed_in.get(url("top_up_detail", top_up.pk)))
    assert "Up to ¥400.00" in page and 'data-refund="' in page
    # too much is refused with a message and nothing moves
    before = balances()
    signed_in.post(url("top_up_refund", top_up.pk), {"amount": "401", "idempotency_key": "r2"})
    assert "At most ¥400.00 of this top-up can be refunded." in html(
        signed_in.get(url("top_up_detail", top_up.pk))
    )
    assert balances() == before


def test_other_peoples_top_ups_and_methods_are_404(signed_in, user):
    theirs = top_up_paid(UserFactory(), "50.00", key="theirs")
    their_method = bank_method(theirs.user)
    counts = row_counts()
    assert signed_in.get(url("top_up_detail", theirs.pk)).status_code == 404
    refund = signed_in.post(
        url("top_up_refund", theirs.pk), {"amount": "1", "idempotency_key": "k"}
    )
    assert refund.status_code == 404
    assert signed_in.post(url("payout_method_remove", their_method.pk)).status_code == 404
    assert row_counts() == counts


def test_withdraw_with_the_live_quote_then_paid_at_the_sandbox_bank(signed_in, funded, method):
    quote = html(signed_in.get(url("withdraw_quote"), {"amount": "100", "currency": "CNY"}))
    assert "You will receive ¥98.00 after the ¥2.00 withdrawal fee." in quote
    assert "smallest withdrawal" not in quote
    assert "Enter an amount" in html(signed_in.get(url("withdraw_quote"), {"amount": "10"}))
    page = html(signed_in.get(url("withdraw")))
    assert "Available to withdraw: ¥500.00" in page and "•••• 2233" in page
    data = {"method": method.pk, "amount": "100", "currency": "CNY", "idempotency_key": "w1"}
    response = signed_in.post(url("withdraw"), data)
    assert response.status_code == 302
    withdrawal = Withdrawal.objects.get()
    services.withdrawal_submit(withdrawal_id=withdrawal.pk)
    withdrawal.refresh_from_db()
    bank = html(signed_in.get(url("sandbox_payout", withdrawal.provider_reference)))
    assert "¥98.00" in bank and "•••• 2233" in bank
    signed_in.post(url("sandbox_payout", withdrawal.provider_reference), {"choice": "pay"})
    deliver(sandbox_of(withdrawal, Kind.PAYOUT))
    page = html(signed_in.get(url("wallet")))
    assert "Paid out" in page and "Open in the sandbox bank" not in page
    assert ledger_audit() == []


def test_a_refused_withdrawal_shows_why_and_changes_nothing(signed_in, funded, method):
    counts, before = row_counts(), balances()
    data = {"method": method.pk, "amount": "600", "currency": "CNY", "idempotency_key": "w1"}
    page = html(signed_in.post(url("withdraw"), data))
    assert "You can withdraw at most ¥500.00." in page
    data["amount"] = "1200"
    top_up_paid(funded, "1000.00", key="more")
    counts, before = row_counts(), balances()
    page = html(signed_in.post(url("withdraw"), data))
    assert "Turn on two-factor authentication to withdraw more than ¥1,000.00." in page
    stranger_method = bank_method(UserFactory())
    counts, before = row_counts(), balances()
    data.update(method=stranger_method.pk, amount="100")
    assert "Select a valid choice" in html(signed_in.post(url("withdraw"), data))
    assert (row_counts(), balances()) == (counts, before)


def test_withdraw_asks_for_a_payout_method_first(signed_in, funded):
    assert "Add a payout method first" in html(signed_in.get(url("withdraw")))


def test_payout_methods_page_adds_masks_and_removes(signed_in, user):
    data = {
        "kind": "bank",
        "holder_name": "李伟",
        "account": "6222 0202 0011 2233",
        "bank_name": "ICBC",
    }
    assert signed_in.post(url("payout_methods"), data).status_code == 302
    page = html(signed_in.get(url("payout_methods")))
    assert "•••• 2233" in page
    assert "6222" not in page.replace("•••• 2233", "") and "李伟" not in page
    bad = html(signed_in.post(url("payout_methods"), {**data, "account": "12"}))
    assert "8 to 30 digits" in bad
    method = PayoutMethod.objects.get()
    assert signed_in.post(url("payout_method_remove", method.pk)).status_code == 302
    assert "•••• 2233" not in html(signed_in.get(url("payout_methods")))


def test_the_statement_filters_and_pages(signed_in, funded, method):
    withdrawal_sent(funded, method, "60.00")
    page = html(signed_in.get(url("statement")))
    assert page.count("data-entry=") == 3
    assert "Top-up" in page and "Withdrawal requested" in page and "+¥500.00" in page
    assert "−¥60.00" in page
    only = html(signed_in.get(url("statement"), {"kind": "wallet.top_up"}))
    assert only.count("data-entry=") == 1
    payout = html(signed_in.get(url("statement"), {"account": "payout"}))
    assert payout.count("data-entry=") == 1
    future = html(signed_in.get(url("statement"), {"date_from": "2999-01-01"}))
    assert "No entries match." in future
    assert "kind=wallet.top_up" in only  # the CSV link keeps the filters


@pytest.mark.parametrize("name", ["wallet", "statement", "payout_methods", "withdraw"])
def test_pages_make_a_bounded_number_of_queries(
    signed_in, user, name, django_assert_max_num_queries
):
    # given plenty of history
    method = bank_method(user)
    for number in range(8):
        top_up_paid(user, "100.00", key=f"t{number}")
    for number in range(6):
        withdrawal_sent(user, method, "60.00", key=f"w{number}")
    top_up_paid(user, "10", currency="USD", key="usd")
    # then the page costs the same few queries
    with django_assert_max_num_queries(QUERY_BOUNDS[name]):
        html(signed_in.get(url(name)))


def test_the_top_up_detail_makes_a_bounded_number_of_queries(
    signed_in, funded, django_assert_max_num_queries
):
    top_up = TopUp.objects.get()
    for number in range(5):
        services.refund_request(
            user=funded, top_up_id=top_up.pk, amount="1", idempotency_key=str(number)
        )
    with django_assert_max_num_queries(12):
        html(signed_in.get(url("top_up_detail", top_up.pk)))
