"""The money loop under concurrency and crashes, on PostgreSQL: threads fighting over one
milestone (approve, a refund by agreement and the auto-approval job at once; many fundings at
once; refused actions at once) and a process dying in the middle of a service, then retried.
Real row locks need PostgreSQL; SQLite serialises whole write transactions, so the races cannot
happen there and the tests are skipped. Each thread closes its own database connection."""

import threading
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections
from django.utils import timezone

from jiedan.contracts import services
from jiedan.contracts.models import (
    Cancellation,
    CancellationStatus,
    ContractStatusChange,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    Status,
)
from jiedan.contracts.services.milestones import auto_approve_after
from jiedan.core.errors import Conflict, DomainError, NotAuthenticated, NotFound, PermissionDenied
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.fees import release_split
from jiedan.ledger.models import Journal, PendingFunds, Purpose
from jiedan.ledger.selectors import account_balance, wallet_summary
from tests.escrow.helpers import HELD, REFUNDED, RELEASED, escrow_journals
from tests.factories import UserFactory
from tests.ledger.helpers import balances, top_up

from .factories import active_contract, funded_milestone, submitted_milestone

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) need PostgreSQL; run with DATABASE_URL set",
    ),
]
RACERS = 4  # per kind of caller
AMOUNT = Decimal("333.33")


def race(*calls) -> list:
    """Run every call at the same moment in its own thread; returns what each returned or
    raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index):
        try:
            barrier.wait()
            results[index] = calls[index]()
        except Exception as error:  # kept for the test to judge
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def books() -> tuple:
    """Every balance and every row a money movement or a status change writes."""
    return (
        balances(),
        Journal.objects.count(),
        list(PendingFunds.objects.order_by("pk").values_list("pk", "settled_journal_id")),
        list(Milestone.objects.order_by("pk").values_list("status", "updated_at")),
        list(Cancellation.objects.order_by("pk").values_list("status", "decided_at")),
        MilestoneStatusChange.objects.count(),
        ContractStatusChange.objects.count(),
    )


def only_domain_errors(results) -> list:
    """The refusals among ``results``; anything else raised (a deadlock, a database error) is
    a failure of the test."""
    errors = [result for result in results if isinstance(result, Exception)]
    assert all(isinstance(error, DomainError) for error in errors), errors
    return errors


# --- (a) approve, refund by agreement and auto-approve the same submission at once ------------


def race_to_settle_a_submission() -> str:
    """One round: the client approves, the client accepts a full refund and the job
    auto-approves the same overdue submission, all at once. Returns who won."""
    # given a submission past its auto-approval time, and the freelancer's proposal to refund
    # all of it
    contract = active_contract(plan=(("Logo", str(AMOUNT)),))
    overdue = timezone.now() - auto_approve_after() - timedelta(hours=1)
    milestone = submitted_milestone(contract, now=overdue)
    proposal = services.cancellation_propose(
        actor=contract.freelancer,
        contract_id=contract.pk,
        freelancer_share="0",
        reason="I cannot finish this.",
    )
    client = contract.client

    def approve():
        return services.milestone_approve(client=client, milestone_id=milestone.pk)

    def refund():
        return services.cancellation_accept(actor=client, cancellation_id=proposal.pk)

    # when all of them go at once
    job = services.milestones_auto_approve_due
    results = race(*[approve] * RACERS, *[refund] * RACERS, *[job] * RACERS)
    # then exactly one settled the milestone; the others were refused or found nothing to do
    errors = only_domain_errors(results)
    assert all(isinstance(error, Conflict) for error in errors), errors
    approvals, refunds, jobs = (results[i * RACERS : (i + 1) * RACERS] for i in range(3))
    assert all(isinstance(released, int) for released in jobs), "the job re-checks, never fails"
    won = {
        "approve": sum(not isinstance(result, Exception) for result in approvals),
        "refund": sum(not isinstance(result, Exception) for result in refunds),
        "job": sum(jobs),
    }
    assert sorted(won.values()) == [0, 0, 1], won
    winner = max(won, key=won.get)
    milestone.refresh_from_db()
    contract.refresh_from_db()
    moved = [j.kind for j in escrow_journals(milestone.escrow_reference).exclude(kind=HELD)]
    client_money = wallet_summary(owner=client, currency="CNY")
    pending = wallet_summary(owner=contract.freelancer, currency="CNY").pending
    if winner == "refund":
        assert (milestone.status, contract.status) == (MilestoneStatus.REFUNDED, Status.CANCELLED)
        assert moved == [REFUNDED]
        assert (client_money.available, pending) == (AMOUNT, 0)
    else:
        assert (milestone.status, contract.status) == (MilestoneStatus.RELEASED, Status.COMPLETED)
        assert moved == [RELEASED]
        assert (client_money.available, pending) == (0, release_split(AMOUNT, "CNY").net)
        assert PendingFunds.objects.filter(owner=contract.freelancer).count() == 1
    assert client_money.in_escrow == 0
    assert milestone.status_changes.filter(from_status=MilestoneStatus.SUBMITTED).count() == 1
    assert ledger_audit() == []
    return winner


def test_approve_refund_and_auto_approval_racing_settle_a_milestone_once():
    winners = [race_to_settle_a_submission() for _round in range(3)]
    assert set(winners) <= {"approve", "refund", "job"}


# --- (b) many fundings of one milestone --------------------------------------------------------


def test_many_fundings_of_one_milestone_hold_its_amount_once():
    # given a client who could pay the milestone many times over
    contract = active_contract(plan=(("Logo", str(AMOUNT)),))
    milestone = contract.milestones.get()
    top_up(contract.client, str(AMOUNT * 3 * RACERS))

    # when the client funds it from many tabs at once
    def fund():
        return services.milestone_fund(client=contract.client, milestone_id=milestone.pk)

    results = race(*[fund] * (3 * RACERS))
    # then one funding went through, the others found it funded
    errors = only_domain_errors(results)
    assert len(errors) == 3 * RACERS - 1
    assert {error.code for error in errors} == {"milestone_state"}
    assert escrow_journals(milestone.escrow_reference, HELD).count() == 1
    money = wallet_summary(owner=contract.client, currency="CNY")
    assert (money.available, money.in_escrow) == (AMOUNT * (3 * RACERS - 1), AMOUNT)
    assert Milestone.objects.get(pk=milestone.pk).status == MilestoneStatus.FUNDED
    assert ledger_audit() == []


def test_funding_two_milestones_at_once_never_overdraws_the_wallet():
    # given two milestones of 300 and a wallet holding 450
    contract = active_contract(plan=(("Design", "300.00"), ("Build", "300.00")))
    first, second = contract.milestones.order_by("position")
    top_up(contract.client, "450.00")
    # when both are funded at once, several times over
    calls = [
        lambda milestone=milestone: services.milestone_fund(
            client=contract.client, milestone_id=milestone.pk
        )
        for milestone in (first, second) * RACERS
    ]
    results = race(*calls)
    # then exactly one is funded and the wallet keeps the rest
    errors = only_domain_errors(results)
    assert len(errors) == len(calls) - 1
    assert {error.code for error in errors} <= {"milestone_state", "wallet_insufficient"}
    statuses = sorted(contract.milestones.values_list("status", flat=True))
    assert statuses == sorted([MilestoneStatus.FUNDED, MilestoneStatus.UNFUNDED])
    money = wallet_summary(owner=contract.client, currency="CNY")
    assert (money.available, money.in_escrow) == (Decimal("150.00"), Decimal("300.00"))
    assert ledger_audit() == []


# --- (c) a crash in the middle, then a retry ---------------------------------------------------


class Crash(Exception):
    """The process dying in the middle of a service."""


@contextmanager
def crash_before(table: str):
    """Make the next INSERT into ``table`` on this connection fail, as if the process died
    there; yields the statements run before it."""
    insert = f"INSERT INTO {connection.ops.quote_name(table)}"
    seen = []

    def wrapper(execute, sql, params, many, context):
        if sql.startswith(insert):
            raise Crash(sql[:80])
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def posted_a_journal(statements) -> bool:
    journal = f"INSERT INTO {connection.ops.quote_name(Journal._meta.db_table)}"
    return any(sql.startswith(journal) for sql in statements)


def crash_then_retry(call, *, table: str):
    """``call`` crashes after it posted its journal: nothing of it may remain. Then the retry
    goes through; returns what it returned."""
    before = books()
    with pytest.raises(Crash), crash_before(table) as statements:
        call()
    assert posted_a_journal(statements), "the crash came before any money moved"
    assert books() == before
    return call()


def test_a_funding_that_crashed_after_posting_is_retried_once():
    # given an unfunded milestone and the money for it
    contract = active_contract(plan=(("Logo", str(AMOUNT)),))
    milestone = contract.milestones.get()
    top_up(contract.client, str(AMOUNT))

    def fund():
        return services.milestone_fund(client=contract.client, milestone_id=milestone.pk)

    # when the first try dies when writing the status history, and the client tries again
    crash_then_retry(fund, table=MilestoneStatusChange._meta.db_table)
    # then the money moved once, and a further retry moves nothing
    after = books()
    with pytest.raises(Conflict):
        fund()
    assert books() == after
    assert escrow_journals(milestone.escrow_reference, HELD).count() == 1
    assert wallet_summary(owner=contract.client, currency="CNY").in_escrow == AMOUNT
    assert ledger_audit() == []


def test_an_approval_that_crashed_after_posting_is_retried_once():
    # given a submission
    milestone = submitted_milestone(active_contract(plan=(("Logo", str(AMOUNT)),)))
    contract = milestone.contract

    def approve():
        return services.milestone_approve(client=contract.client, milestone_id=milestone.pk)

    # when the approval dies after the release journal and the pending earnings were written
    crash_then_retry(approve, table=MilestoneStatusChange._meta.db_table)
    # then the retry paid once: no second release, no second batch of pending earnings
    after = books()
    with pytest.raises(Conflict):
        approve()
    assert books() == after
    assert escrow_journals(milestone.escrow_reference, RELEASED).count() == 1
    assert PendingFunds.objects.filter(owner=contract.freelancer).count() == 1
    split = release_split(AMOUNT, "CNY")
    assert wallet_summary(owner=contract.freelancer, currency="CNY").pending == split.net
    assert account_balance(purpose=Purpose.PLATFORM_FEES, currency="CNY") == split.commission
    assert ledger_audit() == []


def test_an_agreed_cancellation_that_crashed_at_its_last_write_is_retried_once():
    # given two funded milestones (300 + 700) and a proposal that the freelancer keeps 400
    contract = active_contract()
    funded_milestone(contract, 1)
    funded_milestone(contract, 2)
    proposal = services.cancellation_propose(
        actor=contract.freelancer,
        contract_id=contract.pk,
        freelancer_share="400.00",
        reason="Scope changed",
    )

    def accept():
        return services.cancellation_accept(actor=contract.client, cancellation_id=proposal.pk)

    # when acceptance dies at its very last write (the contract's history), after every
    # release and refund was posted, and the client accepts again
    crash_then_retry(accept, table=ContractStatusChange._meta.db_table)
    # then the escrow was split once: 300 + 100 paid, 600 refunded
    after = books()
    with pytest.raises(Conflict) as caught:
        accept()
    assert caught.value.code == "cancellation_closed"
    assert books() == after
    references = [m.escrow_reference for m in contract.milestones.order_by("position")]
    assert [escrow_journals(ref).exclude(kind=HELD).count() for ref in references] == [1, 2]
    client = wallet_summary(owner=contract.client, currency="CNY")
    assert (client.available, client.in_escrow) == (Decimal("600.00"), 0)
    paid = release_split(Decimal("300.00"), "CNY").net + release_split(Decimal("100.00"), "CNY").net
    assert wallet_summary(owner=contract.freelancer, currency="CNY").pending == paid
    assert Cancellation.objects.get(pk=proposal.pk).status == CancellationStatus.ACCEPTED
    assert ledger_audit() == []


def test_an_auto_approval_that_crashed_after_posting_is_released_by_the_next_run():
    # given a submission past its auto-approval time
    overdue = timezone.now() - auto_approve_after() - timedelta(hours=1)
    milestone = submitted_milestone(active_contract(plan=(("Logo", str(AMOUNT)),)), now=overdue)
    # when the job dies in the middle, then runs again
    released = crash_then_retry(
        services.milestones_auto_approve_due, table=MilestoneStatusChange._meta.db_table
    )
    # then the next run released it once and the one after finds nothing
    assert released == 1
    after = books()
    assert services.milestones_auto_approve_due() == 0
    assert books() == after
    assert escrow_journals(milestone.escrow_reference, RELEASED).count() == 1
    assert ledger_audit() == []


# --- (d) refused actions at once --------------------------------------------------------------


def test_refused_actions_at_once_leave_every_balance_and_row_as_it_was():
    # given a submitted milestone, an unfunded one the client has the money for, and the
    # freelancer's open proposal to cancel
    contract = active_contract()
    first = submitted_milestone(contract, 1)
    second = contract.milestones.get(position=2)
    top_up(contract.client, "700.00")
    proposal = services.cancellation_propose(
        actor=contract.freelancer,
        contract_id=contract.pk,
        freelancer_share="150.00",
        reason="Scope changed",
    )
    client, freelancer, stranger = contract.client, contract.freelancer, UserFactory()
    before = books()
    # when strangers, the wrong party and the signed-out all try at once
    attempts = {
        (NotFound, "contract_not_found"): [
            lambda: services.milestone_approve(client=stranger, milestone_id=first.pk),
            lambda: services.milestone_fund(client=stranger, milestone_id=second.pk),
            lambda: services.cancellation_accept(actor=stranger, cancellation_id=proposal.pk),
            lambda: services.contract_end(actor=stranger, contract_id=contract.pk, reason="x"),
        ],
        (PermissionDenied, "client_only"): [
            lambda: services.milestone_approve(client=freelancer, milestone_id=first.pk),
            lambda: services.milestone_fund(client=freelancer, milestone_id=second.pk),
            lambda: services.milestone_request_changes(
                client=freelancer, milestone_id=first.pk, note="More"
            ),
        ],
        (PermissionDenied, "own_proposal"): [
            lambda: services.cancellation_accept(actor=freelancer, cancellation_id=proposal.pk),
        ],
        (Conflict, "escrow_held"): [
            lambda: services.contract_end(actor=client, contract_id=contract.pk, reason="Stop"),
        ],
        (Conflict, "milestone_state"): [
            lambda: services.milestone_approve(client=client, milestone_id=second.pk),
        ],
        (NotAuthenticated, "not_authenticated"): [
            lambda: services.milestone_approve(client=AnonymousUser(), milestone_id=first.pk),
        ],
    }
    calls = [call for group in attempts.values() for call in group]
    results = race(*calls * 2)
    # then each was refused with its reason, and nothing changed
    expected = [kind for kind, group in attempts.items() for _call in group] * 2
    only_domain_errors(results)
    assert [
        (isinstance(result, kind[0]), result.code)
        for result, kind in zip(results, expected, strict=True)
    ] == [(True, kind[1]) for kind in expected]
    assert books() == before
    assert ledger_audit() == []
