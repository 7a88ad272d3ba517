"""Change requests on running contracts: a new version of the terms proposed with a reason,
accepted by the other party by its digest (or declined, withdrawn, withdrawn by ending the
contract); milestones kept, changed, removed and added; stale acceptances refused — and every
refusal leaves the terms, milestones and books as they were."""

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from jiedan.contracts import selectors, services
from jiedan.contracts.models import (
    CHANGE_ACCEPTED_REASON,
    ChangeRequest,
    ChangeStatus,
    Contract,
    ContractTerms,
    Kind,
    MilestoneStatus,
    Status,
    TermsAcceptance,
)
from jiedan.contracts.terms import MilestoneDetails, terms_digest
from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jiedan.ledger.audit import ledger_audit
from jiedan.notifications.realtime import user_group
from tests.ledger.helpers import balances

from .factories import (
    active_contract,
    active_hourly_contract,
    funded_milestone,
    hourly_overrides,
    kept_plan,
    milestones,
    offered_contract,
    proposed_change,
    stranger,
    submitted_milestone,
    terms,
)

pytestmark = pytest.mark.django_db


def state(contract: Contract):
    """Everything a refused action must leave as it was."""
    contract = Contract.objects.get(pk=contract.pk)
    return (
        balances(),
        contract.status,
        contract.terms_id,
        list(
            contract.milestones.order_by("pk").values_list("status", "title", "amount", "due_date")
        ),
        ContractTerms.objects.filter(contract=contract).count(),
        TermsAcceptance.objects.filter(terms__contract=contract).count(),
        list(ChangeRequest.objects.filter(contract=contract).values_list("pk", "status")),
    )


def propose(contract, plan, *, by=None, reason="Scope grew.", **overrides):
    return services.change_propose(
        actor=by or contract.client,
        contract_id=contract.pk,
        details=terms(plan=(), milestones=plan, **overrides),
        reason=reason,
    )


def accept(change, *, by=None, digest=None):
    change = ChangeRequest.objects.select_related("contract", "terms").get(pk=change.pk)
    return services.change_accept(
        actor=by or change.contract.freelancer,
        change_id=change.pk,
        digest=change.terms.digest if digest is None else digest,
        ip_address="198.51.100.8",
    )


@pytest.fixture
def pushed():
    """The live domain events each person is sent, after commit: ``pushed(user)`` → event
    names (the "notification.new" pushed alongside each one is left out)."""
    layer = get_channel_layer()
    async_to_sync(layer.flush)()
    channels = {}

    def subscribe(user):
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(user_group(user.pk), channel)
        channels[user.pk] = channel

    async def drain(channel):
        events = []
        while True:
            try:
                message = await asyncio.wait_for(layer.receive(channel), 0.2)
            except TimeoutError:
                return events
            if message["event"] != "notification.new":
                events.append(message["event"])

    def received(user):
        return async_to_sync(drain)(channels[user.pk])

    received.subscribe = subscribe
    yield received
    async_to_sync(layer.flush)()


# --- proposing -------------------------------------------------------------------------------


def test_a_proposal_is_a_new_version_accepted_by_its_author_and_the_contract_keeps_its_terms(
    pushed, django_capture_on_commit_callbacks
):
    # given
    contract = active_contract()
    current = contract.terms
    pushed.subscribe(contract.freelancer)
    # when the client proposes adding a page
    with django_capture_on_commit_callbacks(execute=True):
        change = proposed_change(contract)
    # then
    proposed = change.terms
    assert (change.status, change.base_terms, change.proposed_by) == (
        ChangeStatus.PROPOSED,
        current,
        contract.client,
    )
    assert (proposed.version, proposed.total) == (2, Decimal("1200.00"))
    assert proposed.digest == terms_digest(
        contract_id=contract.pk, version=2, parties=contract.party_ids(), doc=proposed
    )
    acceptance = proposed.acceptances.get()
    assert (acceptance.party, acceptance.digest, acceptance.ip_address) == (
        contract.client,
        proposed.digest,
        "203.0.113.9",
    )
    contract.refresh_from_db()
    assert contract.terms == current
    assert len(milestones(contract)) == 2
    assert pushed(contract.freelancer) == ["contract.change.proposed"]


def test_the_version_number_follows_every_version_of_the_contract():
    contract = offered_contract()
    services.contract_offer_revise(
        client=contract.client, contract_id=contract.pk, details=terms(revisions=1)
    )
    contract.refresh_from_db()
    contract = services.contract_accept(
        actor=contract.freelancer, contract_id=contract.pk, digest=contract.terms.digest
    )
    assert proposed_change(contract).terms.version == 3


def test_the_freelancer_may_propose_too_and_the_client_accepts():
    contract = active_contract()
    change = proposed_change(contract, by=contract.freelancer)
    accept(change, by=contract.client)
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.ACCEPTED


def test_a_paused_contract_can_change():
    contract = active_contract()
    services.contract_pause(client=contract.client, contract_id=contract.pk)
    change = proposed_change(contract)
    accept(change)
    contract.refresh_from_db()
    assert (contract.status, contract.terms) == (Status.PAUSED, change.terms)


def test_an_offer_not_yet_accepted_is_revised_instead():
    contract = offered_contract()
    before = state(contract)
    with pytest.raises(Conflict) as error:
        propose(contract, [MilestoneDetails("All", Decimal("900.00"))])
    assert error.value.code == "contract_not_started"
    assert state(contract) == before


def test_an_ended_contract_cannot_change():
    contract = active_contract()
    services.contract_end(actor=contract.client, contract_id=contract.pk, reason="Done early.")
    before = state(contract)
    with pytest.raises(Conflict) as error:
        propose(contract, [MilestoneDetails("All", Decimal("900.00"))])
    assert error.value.code == "contract_ended"
    assert state(contract) == before


def test_a_stranger_cannot_propose():
    contract = active_contract()
    before = state(contract)
    with pytest.raises(NotFound):
        proposed_change(contract, by=stranger())
    assert state(contract) == before


def test_a_reason_is_required():
    contract = active_contract()
    before = state(contract)
    with pytest.raises(InvalidInput) as error:
        propose(contract, kept_plan(contract), reason="  ", revisions=3)
    assert error.value.code == "reason_missing"
    assert state(contract) == before


def test_the_kind_of_contract_cannot_change():
    contract = active_contract()
    before = state(contract)
    with pytest.raises(InvalidInput) as error:
        propose(contract, [], kind=Kind.HOURLY, hourly_rate=Decimal("80.00"), weekly_limit=10)
    assert error.value.code == "kind_change"
    assert state(contract) == before


def test_a_version_that_changes_nothing_is_refused():
    contract = active_contract()
    before = state(contract)
    with pytest.raises(InvalidInput) as error:
        propose(contract, kept_plan(contract))
    assert error.value.code == "nothing_changed"
    assert state(contract) == before


def test_only_one_request_is_open_at_a_time():
    contract = active_contract()
    proposed_change(contract)
    before = state(contract)
    with pytest.raises(Conflict) as error:
        proposed_change(contract, by=contract.freelancer)
    assert error.value.code == "change_open"
    assert state(contract) == before


@pytest.mark.parametrize(
    "change",
    [
        {"skip": (1,)},
        {"p1": ("Design", "350.00")},
        {"p1": ("Design and copy", "300.00")},
    ],
    ids=["left-out", "amount", "title"],
)
def test_a_funded_milestone_stays_in_the_plan_as_it_is(change):
    contract = active_contract()
    funded_milestone(contract)
    before = state(contract)
    with pytest.raises(InvalidInput) as error:
        propose(contract, kept_plan(contract, **change), revisions=3)
    assert error.value.code == "milestone_plan"
    assert state(contract) == before


def test_a_milestone_of_another_contract_or_twice_is_refused():
    contract, other = active_contract(), active_contract()
    foreign = milestones(other)[0]
    twice = kept_plan(contract) + kept_plan(contract)[:1]
    foreign_line = MilestoneDetails("Theirs", Decimal("10.00"), None, foreign.pk)
    before = state(contract)
    for plan in ([*kept_plan(contract), foreign_line], twice):
        with pytest.raises(InvalidInput) as error:
            propose(contract, plan)
        assert error.value.code == "milestone_plan"
    assert state(contract) == before


def test_a_funded_milestone_may_move_its_due_date_but_a_settled_one_may_not():
    # given the first milestone in review and the second paid out
    contract = active_contract()
    submitted_milestone(contract, 1)
    paid = submitted_milestone(contract, 2)
    services.milestone_approve(client=contract.client, milestone_id=paid.pk)
    later = timezone.localdate() + timedelta(days=10)
    first, second = kept_plan(contract)
    moved = MilestoneDetails(first.title, first.amount, later, first.milestone_id)
    # when the in-review one moves, it is accepted
    accept(propose(contract, [moved, second]))
    assert milestones(contract)[0].due_date == later
    # but the paid one cannot move
    second_moved = MilestoneDetails(second.title, second.amount, later, second.milestone_id)
    with pytest.raises(InvalidInput) as error:
        propose(contract, [moved, second_moved])
    assert error.value.code == "milestone_plan"


# --- accepting -------------------------------------------------------------------------------


def test_accepting_adds_the_new_milestone_unfunded_and_it_can_be_funded(
    pushed, django_capture_on_commit_callbacks
):
    # given
    contract = active_contract()
    funded_milestone(contract)
    change = proposed_change(contract)
    pushed.subscribe(contract.client)
    # when the freelancer accepts what they read
    with django_capture_on_commit_callbacks(execute=True):
        accept(change)
    # then the new version is the contract's terms, accepted by both
    contract.refresh_from_db()
    assert contract.terms == change.terms
    assert set(contract.terms.acceptances.values_list("party", "ip_address")) == {
        (contract.client.pk, "203.0.113.9"),
        (contract.freelancer.pk, "198.51.100.8"),
    }
    assert [(m.position, m.title, m.amount, m.status) for m in milestones(contract)] == [
        (1, "Design", Decimal("300.00"), MilestoneStatus.FUNDED),
        (2, "Build", Decimal("700.00"), MilestoneStatus.UNFUNDED),
        (3, "Extra page", Decimal("200.00"), MilestoneStatus.UNFUNDED),
    ]
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (ChangeStatus.ACCEPTED, contract.freelancer)
    assert pushed(contract.client) == ["contract.change.accepted"]
    # and the new milestone is funded like any other
    funded = funded_milestone(contract, position=3)
    assert funded.status == MilestoneStatus.FUNDED
    assert ledger_audit() == []


def test_accepting_changes_and_removes_unfunded_milestones():
    # given a three-milestone contract with the first funded
    contract = active_contract(plan=(("Design", "300.00"), ("Build", "700.00"), ("QA", "100.00")))
    funded_milestone(contract)
    due = timezone.localdate() + timedelta(days=5)
    plan = kept_plan(contract, skip=(3,), p2=("Build, phase one", "500.00"))
    plan[1] = MilestoneDetails(plan[1].title, plan[1].amount, due, plan[1].milestone_id)
    # when a plan changing the second and leaving out the third is accepted
    accept(propose(contract, plan))
    # then
    first, second, third = milestones(contract)
    assert (second.title, second.amount, second.due_date, second.status) == (
        "Build, phase one",
        Decimal("500.00"),
        due,
        MilestoneStatus.UNFUNDED,
    )
    assert third.status == MilestoneStatus.CANCELLED
    assert third.status_changes.get().reason == CHANGE_ACCEPTED_REASON
    assert first.status == MilestoneStatus.FUNDED
    assert ledger_audit() == []


def test_removing_the_last_unpaid_milestone_completes_the_contract():
    contract = active_contract()
    paid = submitted_milestone(contract, 1)
    services.milestone_approve(client=contract.client, milestone_id=paid.pk)
    accept(propose(contract, kept_plan(contract, skip=(2,))))
    contract.refresh_from_db()
    assert contract.status == Status.COMPLETED and contract.ended_at is not None
    assert ledger_audit() == []


def test_the_proposer_cannot_accept_their_own_request():
    contract = active_contract()
    change = proposed_change(contract)
    before = state(contract)
    with pytest.raises(PermissionDenied) as error:
        accept(change, by=contract.client)
    assert error.value.code == "own_change"
    assert state(contract) == before


def test_a_stranger_cannot_see_or_answer_a_request():
    contract = active_contract()
    change = proposed_change(contract)
    before = state(contract)
    outsider = stranger()
    for run in (
        lambda: accept(change, by=outsider),
        lambda: services.change_decline(actor=outsider, change_id=change.pk),
        lambda: services.change_withdraw(actor=outsider, change_id=change.pk),
    ):
        with pytest.raises(NotFound):
            run()
    with pytest.raises(NotFound):
        selectors.change_for_party(user=outsider, change_id=change.pk)
    assert state(contract) == before


def test_accepting_with_another_digest_accepts_nothing():
    contract = active_contract()
    change = proposed_change(contract)
    before = state(contract)
    with pytest.raises(Conflict) as error:
        accept(change, digest=contract.terms.digest)
    assert error.value.code == "terms_changed"
    assert state(contract) == before


def test_accepting_is_stale_once_a_removed_milestone_was_funded():
    # given a request removing the unfunded second milestone
    contract = active_contract()
    change = propose(contract, [*kept_plan(contract, skip=(2,)), MilestoneDetails("Lite", "90")])
    # when the client funds it meanwhile
    funded_milestone(contract, position=2)
    before = state(contract)
    # then the request can no longer be accepted
    with pytest.raises(Conflict) as error:
        accept(change)
    assert error.value.code == "change_stale"
    assert state(contract) == before


def test_accepting_is_stale_once_a_changed_milestone_was_funded():
    contract = active_contract()
    change = propose(contract, kept_plan(contract, p2=("Build", "650.00")))
    funded_milestone(contract, position=2)
    before = state(contract)
    with pytest.raises(Conflict) as error:
        accept(change)
    assert error.value.code == "change_stale"
    assert state(contract) == before


# --- declining, withdrawing, ending ----------------------------------------------------------


def test_the_other_party_declines_and_the_terms_stay(pushed, django_capture_on_commit_callbacks):
    contract = active_contract()
    change = proposed_change(contract)
    pushed.subscribe(contract.client)
    with pytest.raises(PermissionDenied):
        services.change_decline(actor=contract.client, change_id=change.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_decline(actor=contract.freelancer, change_id=change.pk, reason="No time.")
    change.refresh_from_db()
    contract.refresh_from_db()
    assert (change.status, change.decided_by) == (ChangeStatus.DECLINED, contract.freelancer)
    assert change.decline_reason == "No time."
    assert contract.terms.version == 1 and len(milestones(contract)) == 2
    assert pushed(contract.client) == ["contract.change.declined"]
    with pytest.raises(Conflict) as error:
        accept(change)
    assert error.value.code == "change_closed"


def test_only_the_proposer_withdraws(pushed, django_capture_on_commit_callbacks):
    contract = active_contract()
    change = proposed_change(contract)
    pushed.subscribe(contract.freelancer)
    with pytest.raises(PermissionDenied):
        services.change_withdraw(actor=contract.freelancer, change_id=change.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_withdraw(actor=contract.client, change_id=change.pk)
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.WITHDRAWN
    assert pushed(contract.freelancer) == ["contract.change.withdrawn"]
    # and a new request may be proposed now
    assert proposed_change(contract).status == ChangeStatus.PROPOSED


def test_ending_the_contract_withdraws_the_open_request():
    contract = active_contract()
    change = proposed_change(contract)
    services.contract_end(actor=contract.freelancer, contract_id=contract.pk, reason="Stop.")
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (ChangeStatus.WITHDRAWN, contract.freelancer)


def test_a_mutual_cancellation_withdraws_the_open_request():
    contract = active_contract()
    funded_milestone(contract)
    change = proposed_change(contract)
    cancellation = services.cancellation_propose(
        actor=contract.client, contract_id=contract.pk, freelancer_share="100.00", reason="Stop."
    )
    services.cancellation_accept(actor=contract.freelancer, cancellation_id=cancellation.pk)
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.WITHDRAWN
    assert ledger_audit() == []


# --- history and what a request changes --------------------------------------------------------


def test_the_history_lists_every_request_newest_first_with_what_it_changes():
    # given an accepted request (new page, build cheaper), then a declined one removing it
    contract = active_contract()
    plan = [*kept_plan(contract, p2=("Build", "600.00")), MilestoneDetails("Extra", "200")]
    first = propose(contract, plan, revisions=3)
    accept(first)
    contract.refresh_from_db()
    second = propose(contract, kept_plan(contract, skip=(3,)), scope="Smaller scope.")
    services.change_decline(actor=contract.freelancer, change_id=second.pk)
    # when
    history = selectors.contract_changes(contract=contract)
    # then
    assert [change.pk for change in history] == [second.pk, first.pk]
    newest, oldest = history[0].diff, history[1].diff
    assert (oldest.total.old, oldest.total.new) == (Decimal("1000.00"), Decimal("1100.00"))
    assert (oldest.revisions.old, oldest.revisions.new, oldest.scope_changed) == (2, 3, False)
    assert [line["title"] for line in oldest.added] == ["Extra"]
    assert [(c["old"]["amount"], c["new"]["amount"]) for c in oldest.changed] == [
        ("700.00", "600.00")
    ]
    assert oldest.removed == [] and oldest.hourly_rate is None
    assert [line["title"] for line in newest.removed] == ["Extra"]
    assert (newest.added, newest.changed, newest.scope_changed) == ([], [], True)
    assert newest.total.new == Decimal("900.00")
    assert selectors.open_change(history) is None


def test_an_hourly_contract_changes_its_rate_and_weekly_limit_but_stays_hourly():
    # given an hourly contract at 100 an hour, 10 hours a week
    contract = active_hourly_contract()
    before = state(contract)
    # a plan of milestones would make it fixed-price: refused
    with pytest.raises(InvalidInput) as error:
        propose(contract, [MilestoneDetails("All", Decimal("900.00"))])
    assert error.value.code == "kind_change"
    assert state(contract) == before
    # when a higher rate and limit are proposed and accepted
    change = propose(contract, [], **hourly_overrides(rate="120.00", limit=15))
    accept(change)
    # then
    contract.refresh_from_db()
    assert (contract.terms.hourly_rate, contract.terms.weekly_limit) == (Decimal("120.00"), 15)
    diff = selectors.contract_changes(contract=contract)[0].diff
    assert (diff.hourly_rate.old, diff.hourly_rate.new) == (Decimal("100.00"), Decimal("120.00"))
    assert (diff.weekly_limit.old, diff.weekly_limit.new) == (10, 15)
    assert not contract.milestones.exists()
