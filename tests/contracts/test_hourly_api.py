"""Hourly contracts in the API: offering hourly terms, time entries (add, list, edit, delete),
the timer and the week as it runs, statements with their entries, query, answer, idempotent
approval and payment — strangers get 404, the other party 403, and a refusal changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jiedan.contracts.models import StatementStatus, TimeEntry, WeeklyStatement
from jiedan.contracts.services.hourly import platform_today, week_ends_at, week_of
from jiedan.contracts.services.statements import statements_close_and_bill
from jiedan.ledger.models import Journal, Purpose
from jiedan.ledger.selectors import account_balance
from tests.factories import UserFactory, bearer
from tests.ledger.helpers import balances, top_up

from .factories import active_hourly_contract, hired_proposal, logged
from .test_api import offer_payload, post_json

pytestmark = pytest.mark.django_db

BASE = "/api/v1/contracts"


def _today():
    return platform_today(timezone.now())


def _week_closed(contract, *minutes) -> WeeklyStatement:
    """This week's time logged, then the week closed by the job just after it ends."""
    for each in minutes:
        logged(contract, each, now=timezone.now())
    statements_close_and_bill(now=week_ends_at(week_of(_today())))
    return WeeklyStatement.objects.get(contract=contract)


def test_client_offers_hourly_terms(client):
    proposal = hired_proposal()
    payload = offer_payload(
        proposal.pk, milestones=[], kind="hourly", hourly_rate="150.00", weekly_limit=15
    )
    response = post_json(client, BASE, payload, **bearer(proposal.project.client))
    assert response.status_code == 201, response.json()
    terms = response.json()["terms"]
    assert (terms["kind"], terms["hourly_rate"], terms["weekly_limit"], terms["total"]) == (
        "hourly",
        "150.00",
        15,
        "0.00",
    )
    bad = offer_payload(proposal.pk, kind="hourly", hourly_rate="150.00", weekly_limit=15)
    other = hired_proposal()
    refused = post_json(
        client, BASE, {**bad, "proposal_id": other.pk}, **bearer(other.project.client)
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "hourly_milestones")


def test_freelancer_logs_lists_edits_and_deletes_time(client):
    contract = active_hourly_contract(limit=2)
    auth = bearer(contract.freelancer)
    path = f"{BASE}/{contract.pk}/time-entries"
    today = _today().isoformat()
    # when
    added = post_json(
        client, path, {"work_date": today, "minutes": 90, "memo": "Wireframes"}, **auth
    )
    # then
    assert added.status_code == 201
    entry = added.json()
    assert (entry["minutes"], entry["memo"], entry["source"]) == (90, "Wireframes", "manual")
    listed = client.get(path, **bearer(contract.client)).json()
    assert [row["id"] for row in listed] == [entry["id"]]
    # more than is left is refused, saying so
    over = post_json(
        client,
        path,
        {"work_date": today, "minutes": 31, "memo": "More"},
        HTTP_ACCEPT_LANGUAGE="en",
        **auth,
    )
    assert (over.status_code, over.json()["code"]) == (409, "weekly_limit_reached")
    assert "0 h 30 min" in over.json()["message"]
    # edit and delete
    edited = client.put(
        f"{BASE}/time-entries/{entry['id']}",
        {"minutes": 120, "memo": "Wireframes, both pages"},
        content_type="application/json",
        **auth,
    )
    assert (edited.status_code, edited.json()["minutes"]) == (200, 120)
    denied = client.delete(f"{BASE}/time-entries/{entry['id']}", **bearer(contract.client))
    assert denied.status_code == 403
    assert client.delete(f"{BASE}/time-entries/{entry['id']}", **auth).status_code == 204
    assert not TimeEntry.objects.exists()


def test_the_client_and_strangers_cannot_log_time(client):
    contract = active_hourly_contract()
    payload = {"work_date": _today().isoformat(), "minutes": 30, "memo": "Work"}
    path = f"{BASE}/{contract.pk}/time-entries"
    assert post_json(client, path, payload, **bearer(contract.client)).status_code == 403
    assert post_json(client, path, payload, **bearer(UserFactory())).status_code == 404
    assert client.get(path, **bearer(UserFactory())).status_code == 404
    assert not TimeEntry.objects.exists()


def test_timer_start_and_stop_show_the_week(client):
    contract = active_hourly_contract()
    auth = bearer(contract.freelancer)
    started = post_json(client, f"{BASE}/{contract.pk}/timer/start", {"memo": "Bug fixes"}, **auth)
    assert started.status_code == 200
    week = started.json()
    assert week["timer"]["memo"] == "Bug fixes" and week["timer"]["minutes"] is None
    assert (week["limit_minutes"], week["left_minutes"]) == (600, 600)
    again = post_json(client, f"{BASE}/{contract.pk}/timer/start", {"memo": "Again"}, **auth)
    assert (again.status_code, again.json()["code"]) == (409, "timer_running")
    TimeEntry.objects.update(started_at=timezone.now() - timedelta(minutes=30))
    stopped = post_json(
        client, f"{BASE}/{contract.pk}/timer/stop", {"memo": "Fixed 3 bugs"}, **auth
    )
    week = stopped.json()
    assert week["timer"] is None
    assert (week["minutes"], week["amount"]) == (30, "50.00")


def test_statements_query_answer_and_idempotent_approval(client):
    contract = active_hourly_contract(rate="100.00")
    top_up(contract.client, "500.00")
    statement = _week_closed(contract, 60)
    client_auth, freelancer_auth = bearer(contract.client), bearer(contract.freelancer)
    listed = client.get(f"{BASE}/{contract.pk}/statements", **client_auth).json()
    assert [(row["id"], row["amount"], row["status"]) for row in listed] == [
        (statement.pk, "100.00", "review")
    ]
    assert listed[0]["entries"][0]["memo"] == "Built the order form."
    assert (
        client.get(f"{BASE}/statements/{statement.pk}", **bearer(UserFactory())).status_code == 404
    )
    # query and answer
    path = f"{BASE}/statements/{statement.pk}"
    queried = post_json(client, f"{path}/query", {"message": "Which form?"}, **client_auth)
    assert queried.json()["status"] == "queried"
    denied = post_json(client, f"{path}/answer", {"message": "Me"}, **client_auth)
    assert denied.status_code == 403
    answered = post_json(
        client, f"{path}/answer", {"message": "The order form."}, **freelancer_auth
    )
    assert answered.json()["status"] == "review"
    # approval needs a key, and a replay moves nothing
    keyless = post_json(client, f"{path}/approve", **client_auth)
    assert (keyless.status_code, keyless.json()["code"]) == (422, "idempotency_key_required")
    approved = post_json(client, f"{path}/approve", HTTP_IDEMPOTENCY_KEY="ok-1", **client_auth)
    assert approved.json()["status"] == "billed"
    books = balances(), Journal.objects.count()
    replay = post_json(client, f"{path}/approve", HTTP_IDEMPOTENCY_KEY="ok-1", **client_auth)
    assert replay.json() == approved.json()
    other_key = post_json(client, f"{path}/approve", HTTP_IDEMPOTENCY_KEY="ok-2", **client_auth)
    assert (other_key.status_code, other_key.json()["code"]) == (409, "statement_state")
    assert (balances(), Journal.objects.count()) == books


def test_payment_due_then_pay(client):
    contract = active_hourly_contract(rate="100.00")
    statement = _week_closed(contract, 60)
    auth = bearer(contract.client)
    path = f"{BASE}/statements/{statement.pk}"
    approved = post_json(client, f"{path}/approve", HTTP_IDEMPOTENCY_KEY="a-1", **auth)
    assert approved.json()["status"] == StatementStatus.PAYMENT_DUE
    short = post_json(client, f"{path}/pay", HTTP_IDEMPOTENCY_KEY="p-1", **auth)
    assert (short.status_code, short.json()["code"]) == (409, "wallet_insufficient")
    top_up(contract.client, "100.00")
    paid = post_json(client, f"{path}/pay", HTTP_IDEMPOTENCY_KEY="p-2", **auth)
    assert paid.json()["status"] == "billed"
    wallet = account_balance(purpose=Purpose.WALLET, currency="CNY", owner=contract.client)
    assert wallet == Decimal("0.00")
