"""Weekly statements under concurrency, on PostgreSQL: billing runs of the periodic job and the
client's approval racing over one statement whose review is over pay it exactly once (one hold,
one release). SQLite serialises whole write transactions, so the race cannot happen there and
the test is skipped."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from jiedan.contracts import services
from jiedan.contracts.models import StatementStatus, WeeklyStatement
from jiedan.contracts.services.statements import statements_close_and_bill
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.fees import release_split
from jiedan.ledger.selectors import wallet_summary
from tests.escrow.helpers import HELD, RELEASED, escrow_journals
from tests.ledger.helpers import top_up

from .factories import active_hourly_contract, logged
from .test_races import only_domain_errors, race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) need PostgreSQL; run with DATABASE_URL set",
    ),
]

TZ = timezone.get_default_timezone()
WEDNESDAY = datetime(2030, 1, 9, 10, 0, tzinfo=TZ)
NEXT_MONDAY = datetime(2030, 1, 14, 0, 0, tzinfo=TZ)
REVIEW_OVER = NEXT_MONDAY + timedelta(days=6)
RACERS = 3


def race_to_bill_a_statement() -> None:
    # given a closed week whose review is over, and a wallet that could pay it many times
    contract = active_hourly_contract(rate="100.00")
    logged(contract, 200, now=WEDNESDAY)
    statements_close_and_bill(now=NEXT_MONDAY)
    statement = WeeklyStatement.objects.get(contract=contract)
    top_up(contract.client, "5000.00")

    def job():
        return statements_close_and_bill(now=REVIEW_OVER).billed

    def approve():
        return services.statement_approve(
            client=contract.client, statement_id=statement.pk, now=REVIEW_OVER
        )

    # when two billing runs and the client's approval go at once, several times over
    results = race(*[job, job, approve] * RACERS)
    # then it was billed exactly once
    errors = only_domain_errors(results)
    assert {error.code for error in errors} <= {"statement_state"}
    billed_by_jobs = sum(result for result in results if isinstance(result, int))
    approvals = sum(isinstance(result, WeeklyStatement) for result in results)
    assert billed_by_jobs + approvals == 1
    assert escrow_journals(statement.escrow_reference, HELD).count() == 1
    assert escrow_journals(statement.escrow_reference, RELEASED).count() == 1
    statement.refresh_from_db()
    amount = Decimal("333.33")
    assert (statement.status, statement.amount) == (StatementStatus.BILLED, amount)
    client_money = wallet_summary(owner=contract.client, currency="CNY")
    assert (client_money.available, client_money.in_escrow) == (Decimal("5000.00") - amount, 0)
    pending = wallet_summary(owner=contract.freelancer, currency="CNY").pending
    assert pending == release_split(amount, "CNY").net
    assert ledger_audit() == []


def test_billing_runs_and_an_approval_racing_bill_a_statement_once():
    for _round in range(3):
        race_to_bill_a_statement()
