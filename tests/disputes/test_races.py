"""Disputes under concurrency, on PostgreSQL: a dispute opening racing the auto-approval job
and the client's approval of the same submission, both parties opening at once, and the ways
a dispute ends (an accepted offer, a withdrawal, the job settling it as asked) all at once.
Exactly one wins each time, and the books stay balanced. Real row locks need PostgreSQL;
SQLite serialises whole write transactions, so these are skipped there."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from jiedan.contracts import services as contract_services
from jiedan.contracts.models import Milestone, MilestoneStatus
from jiedan.contracts.services.milestones import auto_approve_after
from jiedan.core.errors import Conflict
from jiedan.disputes import services
from jiedan.disputes.models import Dispute
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.fees import release_split
from jiedan.ledger.models import Journal
from tests.contracts.test_races import RACERS, only_domain_errors, race

from .factories import AMOUNT, claim, milestone_in_escrow, money, opened

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) need PostgreSQL; run with DATABASE_URL set",
    ),
]


def race_a_dispute_against_auto_approval() -> str:
    """One round: the freelancer's submission is overdue; the client opens a dispute while
    the job auto-approves and the client (in another tab) approves. Returns who won."""
    overdue = timezone.now() - auto_approve_after() - timedelta(hours=1)
    milestone = milestone_in_escrow("submitted", now=overdue)
    contract = milestone.contract

    def dispute():
        return services.dispute_open_milestone(
            actor=contract.client, milestone_id=milestone.pk, claim=claim()
        )

    def approve():
        return contract_services.milestone_approve(
            client=contract.client, milestone_id=milestone.pk
        )

    job = contract_services.milestones_auto_approve_due
    results = race(*[dispute] * RACERS, *[job] * RACERS, *[approve] * RACERS)
    errors = only_domain_errors(results)
    assert all(isinstance(error, Conflict) for error in errors), errors
    disputes, jobs, approvals = (results[i * RACERS : (i + 1) * RACERS] for i in range(3))
    won = {
        "dispute": sum(not isinstance(result, Exception) for result in disputes),
        "job": sum(jobs),
        "approve": sum(not isinstance(result, Exception) for result in approvals),
    }
    assert sorted(won.values()) == [0, 0, 1], won
    winner = max(won, key=won.get)
    milestone = Milestone.objects.get(pk=milestone.pk)
    if winner == "dispute":
        assert milestone.status == MilestoneStatus.DISPUTED
        assert Dispute.objects.get(milestone=milestone).held_amount == AMOUNT
        assert money(contract.client) == (0, 0, AMOUNT)
        assert money(contract.freelancer) == (0, 0, 0)
    else:
        assert milestone.status == MilestoneStatus.RELEASED
        assert not Dispute.objects.filter(milestone=milestone).exists()
        assert money(contract.client) == (0, 0, 0)
        assert money(contract.freelancer) == (0, release_split(AMOUNT, "CNY").net, 0)
    assert milestone.status_changes.filter(from_status=MilestoneStatus.SUBMITTED).count() == 1
    assert ledger_audit() == []
    return winner


def test_a_dispute_opening_and_an_auto_approval_racing_have_exactly_one_winner():
    winners = [race_a_dispute_against_auto_approval() for _round in range(4)]
    assert set(winners) <= {"dispute", "job", "approve"}


def test_both_parties_opening_at_once_open_one_dispute():
    milestone = milestone_in_escrow("submitted")
    contract = milestone.contract
    calls = [
        lambda actor=actor: services.dispute_open_milestone(
            actor=actor, milestone_id=milestone.pk, claim=claim()
        )
        for actor in (contract.client, contract.freelancer) * RACERS
    ]
    results = race(*calls)
    errors = only_domain_errors(results)
    assert len(errors) == len(calls) - 1
    assert {error.code for error in errors} == {"not_disputable"}
    assert Dispute.objects.count() == 1
    assert Journal.objects.filter(kind="escrow.disputed").count() == 1
    assert ledger_audit() == []


def test_accepting_withdrawing_and_the_job_at_once_end_the_dispute_once():
    # given a dispute whose negotiation is over, with the client's open offer to refund half
    dispute = opened("client")
    contract = dispute.contract
    offer = services.dispute_offer_make(
        actor=contract.client, dispute_id=dispute.pk, outcome="split", freelancer_amount="400"
    )
    after = dispute.negotiation_ends_at + timedelta(minutes=1)

    def accept():
        return services.dispute_offer_accept(
            actor=contract.freelancer, offer_id=offer.pk, now=after
        )

    def withdraw():
        return services.dispute_withdraw(actor=contract.client, dispute_id=dispute.pk, now=after)

    def job():
        return services.dispute_negotiation_end(dispute_id=dispute.pk, now=after)

    results = race(*[accept] * RACERS, *[withdraw] * RACERS, *[job] * RACERS)
    only_domain_errors(results)
    dispute.refresh_from_db()
    accepted = sum(not isinstance(r, Exception) for r in results[:RACERS])
    withdrawn = sum(not isinstance(r, Exception) for r in results[RACERS : 2 * RACERS])
    moved = [r for r in results[2 * RACERS :] if r is not None and not isinstance(r, Exception)]
    # the client made an offer, but the freelancer (the other party) never answered before:
    # the job settles as the client asked (a refund) unless the acceptance came first
    assert accepted + withdrawn + len(moved) == 1, (accepted, withdrawn, moved)
    assert dispute.status in {"settled", "withdrawn"}
    assert Journal.objects.filter(kind="escrow.dispute_settled").count() == (
        1 if dispute.status == "settled" else 0
    )
    assert ledger_audit() == []
