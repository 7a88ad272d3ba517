"""Wallet API: summary, statement pages, top-ups, refunds, withdrawals and payout methods; the
Idempotency-Key on money POSTs; other people's records; refusals that change nothing."""

from decimal import Decimal

import pytest

from jiedan.ledger.audit import ledger_audit
from jiedan.payments.models import PayoutMethod, TopUp, Withdrawal
from tests.factories import UserFactory, bearer
from tests.ledger.helpers import balances

from .factories import row_counts, top_up_paid

pytestmark = pytest.mark.django_db
BASE = "/api/v1/wallet"


def post(client, path, data, auth, key=None):
    headers = {**auth, **({"HTTP_IDEMPOTENCY_KEY": key} if key else {})}
    return client.post(BASE + path, data, content_type="application/json", **headers)


def test_summary_shows_the_wallet_in_one_currency(client, funded):
    body = client.get(f"{BASE}/summary", **bearer(funded)).json()
    assert body == {
        "currency": "CNY",
        "available": "500.00",
        "pending": "0.00",
        "next_available_at": None,
        "in_escrow": "0.00",
        "withdrawing": "0.00",
    }
    usd = client.get(f"{BASE}/summary", {"currency": "USD"}, **bearer(funded)).json()
    assert usd["available"] == "0.00"
    assert client.get(f"{BASE}/summary", {"currency": "XYZ"}, **bearer(funded)).status_code == 422


def test_reads_need_a_signed_in_person(client):
    assert client.get(f"{BASE}/summary").status_code == 401
    assert client.get(f"{BASE}/statement").status_code == 401
    assert client.post(f"{BASE}/top-ups", {}, content_type="application/json").status_code == 401


def test_a_top_up_through_the_api(client, user):
    auth = bearer(user)
    response = post(client, "/top-ups", {"amount": "100", "currency": "CNY"}, auth, key="t-1")
    assert response.status_code == 201
    body = response.json()
    assert (body["amount"], body["processing_fee"], body["charged"], body["status"]) == (
        "100.00",
        "0.60",
        "100.60",
        "pending",
    )
    assert "/wallet/sandbox/checkout/" in body["checkout_url"]
    # the same request again answers the same, the same key with another body is refused
    again = post(client, "/top-ups", {"amount": "100", "currency": "CNY"}, auth, key="t-1")
    assert (again.status_code, again.json()["id"]) == (201, body["id"])
    assert again["Idempotent-Replayed"] == "true"
    other = post(client, "/top-ups", {"amount": "200", "currency": "CNY"}, auth, key="t-1")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert TopUp.objects.count() == 1
    detail = client.get(f"{BASE}/top-ups/{body['id']}", **auth).json()
    assert detail["status"] == "pending"


def test_money_posts_need_an_idempotency_key(client, user, method):
    counts = row_counts()
    for path, data in (
        ("/top-ups", {"amount": "100"}),
        ("/withdrawals", {"method_id": method.pk, "amount": "100"}),
    ):
        response = post(client, path, data, bearer(user))
        assert (response.status_code, response.json()["code"]) == (422, "idempotency_key_required")
    assert row_counts() == counts


def test_a_withdrawal_through_the_api(client, funded, method):
    auth = bearer(funded)
    data = {"method_id": method.pk, "amount": "100.00", "currency": "CNY"}
    response = post(client, "/withdrawals", data, auth, key="w-1")
    assert response.status_code == 201
    body = response.json()
    assert (body["amount"], body["fee"], body["paid_out"], body["status"]) == (
        "100.00",
        "2.00",
        "98.00",
        "requested",
    )
    withdrawal = Withdrawal.objects.get()
    assert withdrawal.idempotency_key == "w-1"
    assert client.get(f"{BASE}/withdrawals/{withdrawal.pk}", **auth).json()["id"] == body["id"]
    summary = client.get(f"{BASE}/summary", **auth).json()
    assert (summary["available"], summary["withdrawing"]) == ("400.00", "100.00")
    assert ledger_audit() == []


@pytest.mark.parametrize(
    ("amount", "status", "code"),
    [
        ("600.00", 409, "insufficient_funds"),
        ("10.00", 422, "withdrawal_below_minimum"),
        ("1500.00", 409, "insufficient_funds"),
    ],
)
def test_refused_withdrawals_change_nothing(client, funded, method, amount, status, code):
    counts, before = row_counts(), balances()
    data = {"method_id": method.pk, "amount": amount}
    response = post(client, "/withdrawals", data, bearer(funded), key=f"w-{amount}")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert (row_counts(), balances()) == (counts, before)


def test_two_factor_refusal_through_the_api(client, user, method):
    top_up_paid(user, "3000.00", key="rich")
    counts, before = row_counts(), balances()
    data = {"method_id": method.pk, "amount": "2000.00"}
    response = post(client, "/withdrawals", data, bearer(user), key="big")
    assert (response.status_code, response.json()["code"]) == (403, "mfa_required")
    assert (row_counts(), balances()) == (counts, before)


def test_other_peoples_records_are_404(client, funded, method):
    stranger = UserFactory()
    auth = bearer(stranger)
    top_up = TopUp.objects.get(user=funded)
    withdrawal = post(
        client, "/withdrawals", {"method_id": method.pk, "amount": "60"}, bearer(funded), key="w"
    ).json()
    counts, before = row_counts(), balances()
    assert client.get(f"{BASE}/top-ups/{top_up.pk}", **auth).status_code == 404
    assert client.get(f"{BASE}/withdrawals/{withdrawal['id']}", **auth).status_code == 404
    used = post(client, "/withdrawals", {"method_id": method.pk, "amount": "60"}, auth, key="x")
    assert (used.status_code, used.json()["code"]) == (404, "payout_method_not_found")
    refund = post(client, f"/top-ups/{top_up.pk}/refunds", {"amount": "1"}, auth, key="y")
    assert (refund.status_code, refund.json()["code"]) == (404, "top_up_not_found")
    assert client.delete(f"{BASE}/payout-methods/{method.pk}", **auth).status_code == 404
    assert (row_counts(), balances()) == (counts, before)


def test_a_refund_through_the_api(client, funded):
    top_up = TopUp.objects.get(user=funded)
    response = post(
        client, f"/top-ups/{top_up.pk}/refunds", {"amount": "50"}, bearer(funded), key="r"
    )
    assert response.status_code == 201
    assert (response.json()["amount"], response.json()["status"]) == ("50.00", "requested")


def test_payout_methods_are_listed_masked_added_and_removed(client, user):
    auth = bearer(user)
    data = {
        "kind": "bank",
        "holder_name": "李伟",
        "account": "6222020200112233",
        "bank_name": "ICBC",
    }
    created = client.post(f"{BASE}/payout-methods", data, content_type="application/json", **auth)
    assert created.status_code == 201
    assert created.json()["masked"] == "•••• 2233"
    listed = client.get(f"{BASE}/payout-methods", **auth)
    assert "6222020200112233" not in listed.content.decode()
    assert [m["masked"] for m in listed.json()] == ["•••• 2233"]
    bad = client.post(
        f"{BASE}/payout-methods", {**data, "account": "12"}, content_type="application/json", **auth
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "payout_account_invalid")
    method_id = created.json()["id"]
    assert client.delete(f"{BASE}/payout-methods/{method_id}", **auth).status_code == 204
    assert client.get(f"{BASE}/payout-methods", **auth).json() == []
    assert PayoutMethod.objects.get().removed_at is not None


def test_the_statement_pages_with_a_cursor_and_filters(client, funded, method):
    auth = bearer(funded)
    top_up_paid(funded, "20.00", key="second")
    post(client, "/withdrawals", {"method_id": method.pk, "amount": "60"}, auth, key="w")
    first = client.get(f"{BASE}/statement", {"limit": 2}, HTTP_ACCEPT_LANGUAGE="en", **auth).json()
    assert [row["kind"] for row in first["results"]] == ["withdrawal.requested"] * 2
    assert {row["account"] for row in first["results"]} == {"wallet", "payout"}
    assert first["results"][0]["kind_label"] == "Withdrawal requested"
    rest = client.get(f"{BASE}/statement", {"limit": 2, "cursor": first["next_cursor"]}, **auth)
    amounts = [row["amount"] for row in rest.json()["results"]]
    assert amounts == ["20.00", "500.00"]
    assert rest.json()["next_cursor"] is None
    only = client.get(f"{BASE}/statement", {"kind": "wallet.top_up"}, **auth).json()
    assert [row["amount"] for row in only["results"]] == ["20.00", "500.00"]
    payout = client.get(f"{BASE}/statement", {"account": "payout"}, **auth).json()
    assert [row["amount"] for row in payout["results"]] == ["60.00"]
    assert client.get(f"{BASE}/statement", {"account": "escrow"}, **auth).status_code == 422
    assert client.get(f"{BASE}/statement", {"limit": 500}, **auth).status_code == 422
    # nobody else's entries show
    other = client.get(f"{BASE}/statement", **bearer(UserFactory())).json()
    assert other == {"results": [], "next_cursor": None}


def test_the_webhook_endpoint_is_in_the_openapi_document_without_auth(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/wallet/webhooks/{provider}"]["post"]
    assert "security" not in operation or operation["security"] in ([], [{}])
    top_ups = schema["paths"]["/api/v1/wallet/top-ups"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in top_ups["parameters"])


def test_amounts_keep_their_decimal_places(client, user):
    top_up_paid(user, "0.10", key="tiny")
    body = client.get(f"{BASE}/summary", **bearer(user)).json()
    assert Decimal(body["available"]) == Decimal("0.10")
    assert body["available"] == "0.10"


@pytest.mark.parametrize("amount", [100.5, "100.5 ", "1e2", "¥100"])
def test_an_amount_that_is_not_a_decimal_string_is_refused_and_nothing_moves(client, user, amount):
    # given the money tables as they are
    before = row_counts()
    # when a top-up's amount is a fractional JSON number or not plain digits and a point
    response = post(
        client, "/top-ups", {"amount": amount, "currency": "CNY"}, bearer(user), key="t-bad"
    )
    # then it is a validation error on the amount, and no money row was written
    assert response.status_code == 422
    assert [detail["loc"][-1] for detail in response.json()["details"]] == ["amount"]
    assert row_counts() == before


def test_the_openapi_document_gives_the_amount_pattern_and_the_payout_kinds(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    # an amount is a whole number or a decimal string of the documented pattern
    amount = schemas["TopUpIn"]["properties"]["amount"]["anyOf"]
    assert [part["type"] for part in amount] == ["integer", "string"]
    assert amount[1]["pattern"] == r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"
    # the payout kinds are listed in place, not as a "Kind" shared with the contracts' kinds
    kind = schemas["PayoutMethodIn"]["properties"]["kind"]
    assert kind["enum"] == list(PayoutMethod.Kind.values)
    assert schemas["WalletStatementOut"]["properties"]["results"]["items"] == {
        "$ref": "#/components/schemas/WalletEntryOut"
    }
