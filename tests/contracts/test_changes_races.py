"""Change requests under concurrency, on PostgreSQL: accepting a change that removes a milestone
while the client funds it, and both parties proposing at once. The contract row is locked first
by every one of them, so one wins and the other is refused; nothing is half done."""

import pytest
from django.db import connection

from jiedan.contracts import services
from jiedan.contracts.models import ChangeRequest, ChangeStatus, MilestoneStatus
from jiedan.contracts.terms import MilestoneDetails
from jiedan.core.errors import Conflict
from jiedan.ledger.audit import ledger_audit
from tests.ledger.helpers import top_up

from .factories import active_contract, kept_plan, milestones, proposed_change, terms
from .test_races import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) need PostgreSQL; run with DATABASE_URL set",
    ),
]


def test_funding_a_milestone_while_a_change_removing_it_is_accepted():
    # given a request that removes the unfunded second milestone, and money to fund it
    contract = active_contract()
    plan = [*kept_plan(contract, skip=(2,)), MilestoneDetails("Lite build", "400.00")]
    change = services.change_propose(
        actor=contract.client,
        contract_id=contract.pk,
        details=terms(plan=(), milestones=plan),
        reason="Smaller build.",
    )
    second = milestones(contract)[1]
    top_up(contract.client, "700.00")
    # when the freelancer accepts while the client funds it
    accepted, funded = race(
        lambda: services.change_accept(
            actor=contract.freelancer, change_id=change.pk, digest=change.terms.digest
        ),
        lambda: services.milestone_fund(client=contract.client, milestone_id=second.pk),
    )
    # then exactly one happened
    second.refresh_from_db()
    change.refresh_from_db()
    if isinstance(accepted, Conflict):
        assert accepted.code == "change_stale"
        assert (second.status, change.status) == (MilestoneStatus.FUNDED, ChangeStatus.PROPOSED)
        assert len(milestones(contract)) == 2
    else:
        assert isinstance(funded, Conflict)
        assert (second.status, change.status) == (MilestoneStatus.CANCELLED, ChangeStatus.ACCEPTED)
        assert len(milestones(contract)) == 3
    assert ledger_audit() == []


def test_both_parties_proposing_at_once_open_one_request():
    contract = active_contract()
    results = race(
        lambda: proposed_change(contract),
        lambda: proposed_change(contract, by=contract.freelancer),
    )
    refused = [result for result in results if isinstance(result, Exception)]
    assert [error.code for error in refused] == ["change_open"]
    assert ChangeRequest.objects.filter(status=ChangeStatus.PROPOSED).count() == 1
