"""The money loop against a reference model.

A hypothesis state machine drives a few active contracts through top-ups (paid at the sandbox
checkout, confirmed by its webhook), funding, submissions, change requests, approvals,
auto-approvals, pauses, mutual cancellations, endings, the settlement of pending earnings and
withdrawals (requested, then paid out or returned by the sandbox bank). Each action is also
tried, at random, by the wrong person (the other party, an outsider, someone signed out) or in
the wrong state. A plain-Python model follows the documented rules (the module docstrings of
``contracts.services`` and ``payments.services``) and says what must happen: which
``DomainError`` (class and code) a refused action raises, and what each person holds after an
accepted one — wallet available, pending earnings, money they paid into escrow, money on its
way to their bank — plus the platform's fee revenue (``ledger.fees``: the commission of each
release, the fee of each withdrawal paid out) and gateway clearing.

After every step: each person's ``wallet_summary`` equals the model, ``ledger_audit()`` finds
nothing, every currency sums to zero over all accounts, and every milestone, contract,
cancellation and withdrawal is in the status the model expects. A refused action changes no
balance and no row. Each example runs inside a savepoint rolled back at its end, so it starts
from a clean database, on SQLite and on PostgreSQL alike.

Replaying a failure: Hypothesis prints the shortest failing program of steps and a line
``@reproduce_failure('<version>', b'<blob>')``; put that line above ``class MoneyLoop`` and run
the test again to replay exactly that example. The failure also carries the seed of the run
(``--hypothesis-seed=<n>``): pass it to pytest to replay the whole run from its start.

The flat tests at the end pin, one path each, what a random run reaches only now and then:
completing a paused contract, a proposal made stale by an escrow change that leaves the total
held as it was, and amounts in odd cents whose sums are not exact in binary floating point (a
split by agreement, a top-up, a withdrawal) on every database.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, event, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from jiedan.contracts import services
from jiedan.contracts.models import (
    FINAL,
    IN_ESCROW,
    Cancellation,
    CancellationStatus,
    Contract,
    ContractStatusChange,
    Delivery,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    Status,
)
from jiedan.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.fees import fee_schedule, release_split, withdrawal_quote
from jiedan.ledger.models import Account, Entry, Journal, PendingFunds, Purpose
from jiedan.ledger.selectors import account_balance, wallet_summary
from jiedan.ledger.services import earnings_hold_until, pending_funds_settle_due
from jiedan.payments import services as payments
from jiedan.payments.gateways.sandbox import sandbox_decide
from jiedan.payments.models import SandboxOperation, Withdrawal
from tests.factories import UserFactory
from tests.ledger.helpers import balances, top_up
from tests.payments.factories import bank_method, deliver, top_up_paid

from .factories import active_contract, funded_milestone, submitted_milestone

pytestmark = pytest.mark.django_db

CURRENCY = "CNY"
ZERO = Decimal("0.00")
CLIENT, FREELANCER = "client", "freelancer"
WORKING = (Status.ACTIVE,)
REVIEWING = (Status.ACTIVE, Status.PAUSED)

MONEY_LOOP_SETTINGS = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    print_blob=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)


def cents(low: int, high: int):
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


# Amounts with odd cents, and a few repeated values so that equal amounts meet.
AMOUNTS = st.one_of(
    st.sampled_from([Decimal("300.00"), Decimal("0.01"), Decimal("0.05"), Decimal("99.99")]),
    cents(1, 500_000),
)
PLANS = st.tuples(
    st.integers(0, 1),  # which client
    st.integers(0, 1),  # which freelancer
    st.sampled_from([2, 0, 1]),  # revisions per milestone
    st.lists(AMOUNTS, min_size=1, max_size=3),
)
INDEX = st.integers(0, 15)
PICK = st.integers(0, 4)
SHARES = st.sampled_from(["part", "all", "part", "nothing", "part", "too much", "negative"])
MOSTLY = st.sampled_from([True, True, True, False])
DEPOSITS = st.sampled_from(["short", "enough", "more", "nothing"])
WITHDRAWALS = st.sampled_from(
    ["part", "all", "part", "below the minimum", "more than available", "someone else's method"]
)
WRONG = st.sampled_from(["right party, wrong state", "other party", "outsider", "signed out"])


def when(condition, error_class, code):
    """The refusal ``(error_class, code)`` if ``condition`` holds, else None."""
    return (error_class, code) if condition else None


def auto_approve_after() -> timedelta:
    return timedelta(days=django_settings.JIEDAN_AUTO_APPROVE_DAYS)


@dataclass
class Purse:
    """What the model says one person holds."""

    available: Decimal = ZERO
    pending: Decimal = ZERO
    in_escrow: Decimal = ZERO
    withdrawing: Decimal = ZERO


@dataclass
class ContractModel:
    pk: int
    client: object
    freelancer: object
    revisions: int
    status: str = Status.ACTIVE
    milestones: list = field(default_factory=list)

    def role_of(self, actor) -> str | None:
        if actor.pk == self.client.pk:
            return CLIENT
        if actor.pk == self.freelancer.pk:
            return FREELANCER
        return None

    def held(self) -> list:
        return [m for m in self.milestones if m.status in IN_ESCROW]

    def waiting_for_review(self) -> bool:
        return any(
            m.status in (MilestoneStatus.SUBMITTED, MilestoneStatus.CHANGES_REQUESTED)
            for m in self.milestones
        )

    def paid_something(self) -> bool:
        return any(m.released > 0 for m in self.milestones)


@dataclass
class MilestoneModel:
    pk: int
    contract: ContractModel
    position: int
    amount: Decimal
    status: str = MilestoneStatus.UNFUNDED
    revisions_used: int = 0
    auto_approve_at: datetime | None = None
    released: Decimal = ZERO
    refunded: Decimal = ZERO


@dataclass
class ProposalModel:
    pk: int
    contract: ContractModel
    proposer: object
    share: Decimal
    status: str = CancellationStatus.PROPOSED
    escrow_changed: bool = False

    def other_party(self):
        contract = self.contract
        return contract.freelancer if self.proposer.pk == contract.client.pk else contract.client


@dataclass
class WithdrawalModel:
    pk: int
    owner: object
    amount: Decimal
    fee: Decimal
    paid_out: Decimal
    status: str = Withdrawal.Status.REQUESTED


@dataclass
class Batch:
    """Earnings in the hold period."""

    owner_pk: int
    amount: Decimal
    available_at: datetime
    settled: bool = False


# When each action is allowed, as far as the state goes (the model adds the money rules).
FITS = {
    "fund": lambda m: m.status == MilestoneStatus.UNFUNDED and m.contract.status in WORKING,
    "submit": lambda m: (
        m.status in (MilestoneStatus.FUNDED, MilestoneStatus.CHANGES_REQUESTED)
        and m.contract.status in WORKING
    ),
    "request_changes": lambda m: (
        m.status == MilestoneStatus.SUBMITTED and m.contract.status in REVIEWING
    ),
    "approve": lambda m: (
        m.status in (MilestoneStatus.SUBMITTED, MilestoneStatus.CHANGES_REQUESTED)
        and m.contract.status in REVIEWING
    ),
    "pause": lambda c: c.status == Status.ACTIVE,
    "resume": lambda c: c.status == Status.PAUSED,
    "propose_cancellation": lambda c: c.status in REVIEWING and bool(c.held()),
    "accept_cancellation": lambda p: p.status == CancellationStatus.PROPOSED,
    "decline_cancellation": lambda p: p.status == CancellationStatus.PROPOSED,
    "end_contract": lambda c: c.status in REVIEWING and not c.held(),
}
ON_MILESTONES = {"fund", "submit", "request_changes", "approve"}
ON_PROPOSALS = {"accept_cancellation", "decline_cancellation"}
CLIENT_ONLY = {"fund", "request_changes", "approve", "pause", "resume"}


def party(contract: ContractModel, actor, role: str | None = None):
    """The refusal a party check gives ``actor``, or None."""
    if not actor.is_authenticated:
        return (NotAuthenticated, "not_authenticated")
    mine = contract.role_of(actor)
    if mine is None:
        return (NotFound, "contract_not_found")
    return when(role is not None and mine != role, PermissionDenied, f"{role}_only")


def rows() -> tuple:
    """Every row a refused action must leave as it was."""
    milestone_fields = (
        "status",
        "revisions_used",
        "funded_at",
        "submitted_at",
        "auto_approve_at",
        "released_amount",
        "refunded_amount",
        "closed_at",
        "updated_at",
    )
    return (
        balances(),
        Journal.objects.count(),
        Entry.objects.count(),
        list(PendingFunds.objects.order_by("pk").values_list("pk", "settled_journal_id")),
        list(Milestone.objects.order_by("pk").values_list(*milestone_fields)),
        list(Contract.objects.order_by("pk").values_list("status", "ended_at", "updated_at")),
        list(Cancellation.objects.order_by("pk").values_list("status", "decided_at")),
        MilestoneStatusChange.objects.count(),
        ContractStatusChange.objects.count(),
        Delivery.objects.count(),
        Withdrawal.objects.count(),
    )


class MoneyLoop(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.clients = [UserFactory(), UserFactory()]
        self.freelancers = [UserFactory(), UserFactory()]
        self.people = [*self.clients, *self.freelancers, UserFactory()]
        self.purses = {person.pk: Purse() for person in self.people}
        self.fees = ZERO
        self.clearing = ZERO
        self.contracts: list[ContractModel] = []
        self.milestones: list[MilestoneModel] = []
        self.proposals: list[ProposalModel] = []
        self.batches: list[Batch] = []
        self.withdrawals: list[WithdrawalModel] = []
        self.top_ups = 0
        self.payout_methods = {}
        self.now = timezone.now()

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # --- choosing what to act on ------------------------------------------------------------

    def _targets(self, action: str) -> list:
        if action in ON_MILESTONES:
            return self.milestones
        return self.proposals if action in ON_PROPOSALS else self.contracts

    def _fitting(self, action: str, also=lambda _target: True) -> list:
        return [t for t in self._targets(action) if FITS[action](t) and also(t)]

    def _outsider(self, contract: ContractModel, pick: int):
        outsiders = [p for p in self.people if contract.role_of(p) is None]
        return outsiders[pick % len(outsiders)]

    # --- the model's bookkeeping ------------------------------------------------------------

    def _purse(self, person) -> Purse:
        return self.purses[person.pk]

    def _payout_method(self, person):
        if person.pk not in self.payout_methods:
            self.payout_methods[person.pk] = bank_method(person)
        return self.payout_methods[person.pk]

    def _escrow_moved(self, contract: ContractModel) -> None:
        for proposal in self.proposals:
            if proposal.contract is contract and proposal.status == CancellationStatus.PROPOSED:
                proposal.escrow_changed = True

    def _release(self, milestone: MilestoneModel, amount: Decimal, when=None) -> None:
        contract = milestone.contract
        split = release_split(amount, CURRENCY)
        self._purse(contract.client).in_escrow -= split.gross
        self._purse(contract.freelancer).pending += split.net
        self.fees += split.commission
        available_at = earnings_hold_until(when or self.now)
        self.batches.append(Batch(contract.freelancer.pk, split.net, available_at))
        milestone.released = amount
        milestone.auto_approve_at = None
        self._escrow_moved(contract)

    def _refund(self, milestone: MilestoneModel, amount: Decimal) -> None:
        purse = self._purse(milestone.contract.client)
        purse.in_escrow -= amount
        purse.available += amount
        milestone.refunded = amount
        self._escrow_moved(milestone.contract)

    def _released_in_full(self, milestone: MilestoneModel, when=None) -> None:
        """Approved (by the client or automatically, at ``when``): paid in full; a contract
        whose milestones are then all settled is completed (one was just paid)."""
        self._release(milestone, milestone.amount, when)
        milestone.status = MilestoneStatus.RELEASED
        contract = milestone.contract
        if contract.status in REVIEWING and {m.status for m in contract.milestones} <= FINAL:
            contract.status = Status.COMPLETED

    def _ended(self, contract: ContractModel) -> None:
        for milestone in contract.milestones:
            if milestone.status not in FINAL:
                milestone.status = MilestoneStatus.CANCELLED
        contract.status = Status.COMPLETED if contract.paid_something() else Status.CANCELLED

    def _cancelled_by_agreement(self, proposal: ProposalModel) -> None:
        contract, share_left = proposal.contract, proposal.share
        for milestone in sorted(contract.held(), key=lambda m: m.position):
            paid = min(share_left, milestone.amount)
            if paid:
                self._release(milestone, paid)
            if milestone.amount - paid:
                self._refund(milestone, milestone.amount - paid)
            milestone.status = MilestoneStatus.RELEASED if paid else MilestoneStatus.REFUNDED
            share_left -= paid
        proposal.status = CancellationStatus.ACCEPTED
        self._ended(contract)

    def _attempt(self, action: str, call, refusal, apply) -> None:
        """Run ``call``: with no refusal expected, ``apply`` its result to the model; else it
        must raise exactly the refusal and leave every row as it was."""
        event(f"{action}: {refusal[1] if refusal else 'done'}")
        if refusal is None:
            apply(call())
            return
        error_class, code = refusal
        before = rows()
        with pytest.raises(DomainError) as caught:
            call()
        assert (type(caught.value), caught.value.code) == (error_class, code)
        assert rows() == before

    def _top_up(self, person, amount: Decimal) -> None:
        """Money arriving in the wallet, booked directly (the quick way, for setting up)."""
        top_up(person, str(amount))
        self._purse(person).available += amount
        self.clearing -= amount

    # --- actions: what the model expects, then the service ----------------------------------
    # Each returns the refusal it expected (None when the action went through).

    def fund(self, milestone: MilestoneModel, actor):
        contract = milestone.contract
        refusal = (
            party(contract, actor, CLIENT)
            or when(contract.status not in WORKING, Conflict, "contract_not_active")
            or when(milestone.status != MilestoneStatus.UNFUNDED, Conflict, "milestone_state")
            or when(
                self._purse(contract.client).available < milestone.amount,
                Conflict,
                "wallet_insufficient",
            )
        )

        def apply(_milestone):
            purse = self._purse(contract.client)
            purse.available -= milestone.amount
            purse.in_escrow += milestone.amount
            milestone.status = MilestoneStatus.FUNDED
            self._escrow_moved(contract)

        self._attempt(
            "fund",
            lambda: services.milestone_fund(client=actor, milestone_id=milestone.pk, now=self.now),
            refusal,
            apply,
        )
        return refusal

    def submit(self, milestone: MilestoneModel, actor):
        contract = milestone.contract
        refusal = (
            party(contract, actor, FREELANCER)
            or when(contract.status not in WORKING, Conflict, "contract_not_active")
            or when(not FITS["submit"](milestone), Conflict, "milestone_state")
        )

        def apply(_delivery):
            milestone.status = MilestoneStatus.SUBMITTED
            milestone.auto_approve_at = self.now + auto_approve_after()

        self._attempt(
            "submit",
            lambda: services.milestone_submit(
                freelancer=actor, milestone_id=milestone.pk, message="Here it is.", now=self.now
            ),
            refusal,
            apply,
        )
        return refusal

    def request_changes(self, milestone: MilestoneModel, actor):
        contract = milestone.contract
        refusal = (
            party(contract, actor, CLIENT)
            or when(contract.status not in REVIEWING, Conflict, "contract_not_active")
            or when(milestone.status != MilestoneStatus.SUBMITTED, Conflict, "milestone_state")
            or when(milestone.revisions_used >= contract.revisions, Conflict, "revisions_used_up")
        )

        def apply(_milestone):
            milestone.status = MilestoneStatus.CHANGES_REQUESTED
            milestone.revisions_used += 1
            milestone.auto_approve_at = None

        self._attempt(
            "request_changes",
            lambda: services.milestone_request_changes(
                client=actor, milestone_id=milestone.pk, note="Larger headings, please."
            ),
            refusal,
            apply,
        )
        return refusal

    def approve(self, milestone: MilestoneModel, actor):
        contract = milestone.contract
        refusal = (
            party(contract, actor, CLIENT)
            or when(contract.status not in REVIEWING, Conflict, "contract_not_active")
            or when(not FITS["approve"](milestone), Conflict, "milestone_state")
        )
        self._attempt(
            "approve",
            lambda: services.milestone_approve(
                client=actor, milestone_id=milestone.pk, now=self.now
            ),
            refusal,
            lambda _milestone: self._released_in_full(milestone),
        )
        return refusal

    def pause(self, contract: ContractModel, actor):
        refusal = party(contract, actor, CLIENT) or when(
            contract.status != Status.ACTIVE, Conflict, "contract_not_active"
        )
        self._attempt(
            "pause",
            lambda: services.contract_pause(client=actor, contract_id=contract.pk, reason="Trip"),
            refusal,
            lambda _contract: setattr(contract, "status", Status.PAUSED),
        )
        return refusal

    def resume(self, contract: ContractModel, actor):
        refusal = party(contract, actor, CLIENT) or when(
            contract.status != Status.PAUSED, Conflict, "contract_not_paused"
        )
        self._attempt(
            "resume",
            lambda: services.contract_resume(client=actor, contract_id=contract.pk),
            refusal,
            lambda _contract: setattr(contract, "status", Status.ACTIVE),
        )
        return refusal

    def propose_cancellation(self, contract: ContractModel, actor, share: Decimal | None = None):
        """``share`` of the escrow to the freelancer (all of it when not given)."""
        held = sum((m.amount for m in contract.held()), ZERO)
        share = held if share is None else share
        is_open = any(
            p.contract is contract and p.status == CancellationStatus.PROPOSED
            for p in self.proposals
        )
        refusal = (
            party(contract, actor)
            or when(contract.status not in REVIEWING, Conflict, "contract_ended")
            or when(held == 0, Conflict, "nothing_held")
            or when(not ZERO <= share <= held, InvalidInput, "share_out_of_range")
            or when(is_open, Conflict, "cancellation_open")
        )

        def apply(cancellation):
            self.proposals.append(ProposalModel(cancellation.pk, contract, actor, share))

        self._attempt(
            "propose_cancellation",
            lambda: services.cancellation_propose(
                actor=actor,
                contract_id=contract.pk,
                freelancer_share=share,
                reason="We part ways.",
            ),
            refusal,
            apply,
        )
        return refusal

    def accept_cancellation(self, proposal: ProposalModel, actor):
        contract = proposal.contract
        refusal = (
            party(contract, actor)
            or when(proposal.status != CancellationStatus.PROPOSED, Conflict, "cancellation_closed")
            or when(actor.pk == proposal.proposer.pk, PermissionDenied, "own_proposal")
            or when(contract.status not in REVIEWING, Conflict, "contract_ended")
            # "A proposal is stale once the escrow changed (a milestone was funded or paid
            # since)", whatever the total held now.
            or when(proposal.escrow_changed, Conflict, "cancellation_stale")
        )
        self._attempt(
            "accept_cancellation",
            lambda: services.cancellation_accept(
                actor=actor, cancellation_id=proposal.pk, now=self.now
            ),
            refusal,
            lambda _contract: self._cancelled_by_agreement(proposal),
        )
        return refusal

    def decline_cancellation(self, proposal: ProposalModel, actor):
        """The other party declines; the proposer withdraws."""
        refusal = party(proposal.contract, actor) or when(
            proposal.status != CancellationStatus.PROPOSED, Conflict, "cancellation_closed"
        )
        own = actor.pk == proposal.proposer.pk
        answer = CancellationStatus.WITHDRAWN if own else CancellationStatus.DECLINED
        self._attempt(
            "decline_cancellation",
            lambda: services.cancellation_decline(actor=actor, cancellation_id=proposal.pk),
            refusal,
            lambda _cancellation: setattr(proposal, "status", answer),
        )
        return refusal

    def end_contract(self, contract: ContractModel, actor):
        refusal = (
            party(contract, actor)
            or when(contract.status not in REVIEWING, Conflict, "contract_ended")
            or when(contract.held(), Conflict, "escrow_held")
        )
        self._attempt(
            "end_contract",
            lambda: services.contract_end(
                actor=actor, contract_id=contract.pk, reason="Done here.", now=self.now
            ),
            refusal,
            lambda _contract: self._ended(contract),
        )
        return refusal

    # --- setup --------------------------------------------------------------------------------

    @initialize(
        plans=st.lists(PLANS, min_size=1, max_size=2),
        deposits=st.lists(st.tuples(DEPOSITS, st.integers(0, 10**9)), min_size=2, max_size=2),
    )
    def open_contracts(self, plans, deposits):
        """Active contracts, and each client's wallet topped up: short of what the plans need,
        just enough, or more (by random cents)."""
        for client_index, freelancer_index, revisions, amounts in plans:
            client, freelancer = self.clients[client_index], self.freelancers[freelancer_index]
            plan = [(f"Part {n}", str(amount)) for n, amount in enumerate(amounts, start=1)]
            contract = active_contract(
                plan=plan, client=client, freelancer=freelancer, revisions=revisions
            )
            model = ContractModel(contract.pk, client, freelancer, revisions)
            for row in contract.milestones.order_by("position"):
                model.milestones.append(MilestoneModel(row.pk, model, row.position, row.amount))
            self.contracts.append(model)
            self.milestones.extend(model.milestones)
        for client, (deposit, extra) in zip(self.clients, deposits, strict=True):
            need = sum((m.amount for m in self.milestones if m.contract.client == client), ZERO)
            amount = {
                "nothing": ZERO,
                "short": Decimal(extra % (int(need * 100) or 1)).scaleb(-2),
                "enough": need,
                "more": need + Decimal(extra % 1_000_000).scaleb(-2),
            }[deposit]
            if amount:
                self._top_up(client, amount)

    # --- rules: the right person acting on something in the right state ---------------------

    @rule(person=PICK, amount=cents(1, 500_000))
    def top_up_wallet(self, person, amount):
        """A top-up the real way: started, paid at the sandbox checkout, confirmed by its
        signed webhook event (the provider's processing fee is charged on top)."""
        person = self.people[person]
        top_up_paid(person, str(amount), key=f"top-up-{person.pk}-{self.top_ups}")
        self.top_ups += 1
        self._purse(person).available += amount
        self.clearing -= amount

    @precondition(lambda self: self._fitting("fund"))
    @rule(index=INDEX, top_up_first=MOSTLY, extra=cents(0, 99_999))
    def client_funds(self, index, top_up_first, extra):
        """The client funds a milestone, mostly after topping up what the wallet lacks (and
        some cents more); otherwise a short wallet is refused."""
        milestones = self._fitting("fund")
        milestone = milestones[index % len(milestones)]
        client = milestone.contract.client
        missing = milestone.amount - self._purse(client).available
        if top_up_first and missing > 0:
            self._top_up(client, missing + extra)
        self.fund(milestone, client)

    @precondition(lambda self: self._fitting("submit"))
    @rule(index=INDEX)
    def freelancer_submits(self, index):
        milestones = self._fitting("submit")
        milestone = milestones[index % len(milestones)]
        self.submit(milestone, milestone.contract.freelancer)

    @precondition(lambda self: self._fitting("request_changes"))
    @rule(index=INDEX)
    def client_requests_changes(self, index):
        milestones = self._fitting("request_changes")
        milestone = milestones[index % len(milestones)]
        self.request_changes(milestone, milestone.contract.client)

    @precondition(lambda self: self._fitting("approve"))
    @rule(index=INDEX)
    def client_approves(self, index):
        milestones = self._fitting("approve")
        milestone = milestones[index % len(milestones)]
        self.approve(milestone, milestone.contract.client)

    @precondition(lambda self: any(m.status == MilestoneStatus.SUBMITTED for m in self.milestones))
    @rule(pick=INDEX, early=st.booleans())
    def auto_approval_job(self, pick, early):
        """The periodic job, with the clock moved to (or a second before) a submission's
        auto-approval time: every submission due by then is released, the others wait."""
        waiting = [m for m in self.milestones if m.status == MilestoneStatus.SUBMITTED]
        target = waiting[pick % len(waiting)].auto_approve_at
        now = target - timedelta(seconds=1) if early else target
        due = sorted(
            (m for m in waiting if m.auto_approve_at <= now and m.contract.status in REVIEWING),
            key=lambda m: (m.auto_approve_at, m.pk),
        )
        event(f"auto_approval_job: {'released' if due else 'nothing due'}")
        released = services.milestones_auto_approve_due(now=now)
        for milestone in due:
            self._released_in_full(milestone, when=now)
        assert released == len(due)
        self.now = max(self.now, now)

    @precondition(lambda self: self._fitting("pause", lambda c: c.waiting_for_review()))
    @rule(index=INDEX)
    def client_pauses_during_review(self, index):
        contracts = self._fitting("pause", lambda c: c.waiting_for_review())
        contract = contracts[index % len(contracts)]
        self.pause(contract, contract.client)

    @precondition(lambda self: self._fitting("resume"))
    @rule(index=INDEX)
    def client_resumes(self, index):
        contracts = self._fitting("resume")
        contract = contracts[index % len(contracts)]
        self.resume(contract, contract.client)

    @precondition(lambda self: self._fitting("propose_cancellation"))
    @rule(index=INDEX, by_client=st.booleans(), how=SHARES, part=st.integers(0, 10**9))
    def party_proposes_cancellation(self, index, by_client, how, part):
        contracts = self._fitting("propose_cancellation")
        contract = contracts[index % len(contracts)]
        held = sum((m.amount for m in contract.held()), ZERO)
        share = {
            "part": Decimal(part % (int(held * 100) + 1)).scaleb(-2),
            "all": held,
            "nothing": ZERO,
            "too much": held + Decimal("0.01"),
            "negative": Decimal("-0.01"),
        }[how]
        actor = contract.client if by_client else contract.freelancer
        self.propose_cancellation(contract, actor, share)

    @precondition(lambda self: self._fitting("accept_cancellation"))
    @rule(index=INDEX, answer=st.sampled_from(["accept", "accept", "decline", "withdraw"]))
    def party_answers_cancellation(self, index, answer):
        proposals = self._fitting("accept_cancellation")
        proposal = proposals[index % len(proposals)]
        if answer == "accept":
            self.accept_cancellation(proposal, proposal.other_party())
        else:
            actor = proposal.proposer if answer == "withdraw" else proposal.other_party()
            self.decline_cancellation(proposal, actor)

    @precondition(lambda self: self._fitting("end_contract"))
    @rule(index=INDEX, by_client=st.booleans(), after_payment=MOSTLY)
    def party_ends_contract(self, index, by_client, after_payment):
        """Mostly after something was paid; now and then a contract nothing was paid on."""
        contracts = self._fitting("end_contract", lambda c: c.paid_something() or not after_payment)
        if contracts:
            contract = contracts[index % len(contracts)]
            self.end_contract(contract, contract.client if by_client else contract.freelancer)

    @precondition(lambda self: any(not batch.settled for batch in self.batches))
    @rule(past_hold=st.booleans())
    def settlement_job(self, past_hold):
        """The periodic job, an hour before the first hold period ends or a minute after the
        last one."""
        waiting = [b for b in self.batches if not b.settled]
        ends = [b.available_at for b in waiting] or [earnings_hold_until(self.now)]
        if past_hold:
            now, due = max(ends) + timedelta(minutes=1), waiting
        else:
            now, due = min(ends) - timedelta(hours=1), []
        event(f"settlement_job: {'settled' if due else 'nothing due'}")
        assert pending_funds_settle_due(now=now) == len(due)
        for batch in due:
            purse = self.purses[batch.owner_pk]
            purse.pending -= batch.amount
            purse.available += batch.amount
            batch.settled = True

    @precondition(lambda self: self._can_withdraw())
    @rule(index=INDEX, how=WITHDRAWALS, part=st.integers(0, 10**9), other=PICK)
    def person_withdraws(self, index, how, part, other):
        """Someone with at least the minimum available asks for a withdrawal to their bank
        account: part of it, all of it (above the two-factor threshold: refused without it),
        too little, too much, or to someone else's account."""
        people = self._can_withdraw()
        person = people[index % len(people)]
        available = self._purse(person).available
        minimum = fee_schedule().withdrawal_minimum
        threshold = django_settings.JIEDAN_WITHDRAWAL_MFA_THRESHOLD
        room = int((min(available, threshold) - minimum) * 100)
        amount = {
            "part": minimum + Decimal(part % (room + 1)).scaleb(-2),
            "all": available,
            "below the minimum": minimum - Decimal("0.01"),
            "more than available": available + Decimal("0.01"),
            "someone else's method": minimum,
        }[how]
        owner = person
        if how == "someone else's method":
            owner = [p for p in self.people if p.pk != person.pk][other % (len(self.people) - 1)]
        method = self._payout_method(owner)
        refusal = (
            when(amount < minimum, InvalidInput, "withdrawal_below_minimum")
            or when(owner is not person, NotFound, "payout_method_not_found")
            or when(amount > available, Conflict, "insufficient_funds")
            or when(amount > threshold, PermissionDenied, "mfa_required")
        )

        def apply(withdrawal):
            quote = withdrawal_quote(amount, CURRENCY)
            purse = self._purse(person)
            purse.available -= amount
            purse.withdrawing += amount
            self.withdrawals.append(
                WithdrawalModel(withdrawal.pk, person, amount, quote.fee, quote.paid_out)
            )

        self._attempt(
            "withdraw",
            lambda: payments.withdrawal_request(
                user=person,
                method_id=method.pk,
                amount=amount,
                currency=CURRENCY,
                idempotency_key=f"withdrawal-{len(self.withdrawals)}-{part}",
            ),
            refusal,
            apply,
        )

    def _can_withdraw(self) -> list:
        minimum = fee_schedule().withdrawal_minimum
        return [p for p in self.people if self._purse(p).available >= minimum]

    @precondition(
        lambda self: any(w.status == Withdrawal.Status.REQUESTED for w in self.withdrawals)
    )
    @rule(index=INDEX, paid=MOSTLY)
    def bank_decides_a_payout(self, index, paid):
        """The withdrawal is sent to the sandbox bank, which pays it out (the payout account
        empties into gateway clearing and the fee into revenue) or rejects it (the money goes
        back to the wallet); its signed event is delivered to the webhook."""
        waiting = [w for w in self.withdrawals if w.status == Withdrawal.Status.REQUESTED]
        withdrawal = waiting[index % len(waiting)]
        sent = payments.withdrawal_submit(withdrawal_id=withdrawal.pk)
        assert sent.status == Withdrawal.Status.PROCESSING
        operation = sandbox_decide(
            kind=SandboxOperation.Kind.PAYOUT,
            token=sent.provider_reference,
            succeeded=paid,
            reason="rejected_by_bank",
        )
        deliver(operation)
        event(f"bank_decides_a_payout: {'paid' if paid else 'rejected'}")
        purse = self._purse(withdrawal.owner)
        purse.withdrawing -= withdrawal.amount
        if paid:
            self.fees += withdrawal.fee
            self.clearing += withdrawal.paid_out
            withdrawal.status = Withdrawal.Status.PAID
        else:
            purse.available += withdrawal.amount
            withdrawal.status = Withdrawal.Status.FAILED

    # --- rule: a denied action ----------------------------------------------------------------

    @rule(action=st.sampled_from(sorted(FITS)), who=WRONG, index=INDEX, pick=PICK)
    def denied(self, action, who, index, pick):
        """Any action by the wrong person (the other party where only one may act, an
        outsider, someone signed out), or by the right one in the wrong state: refused with
        the documented error, and nothing changes (``_attempt`` checks every row)."""
        targets = self._targets(action)
        if who == "right party, wrong state":
            targets = [t for t in targets if not FITS[action](t)]
        if not targets:
            return
        target = targets[index % len(targets)]
        contract = target.contract if action in ON_MILESTONES | ON_PROPOSALS else target
        if who == "right party, wrong state":
            actor = target.other_party() if action in ON_PROPOSALS else contract.client
            actor = contract.freelancer if action == "submit" else actor
        elif who == "other party" and action in CLIENT_ONLY:
            actor = contract.freelancer
        elif who == "other party" and action == "submit":
            actor = contract.client
        elif who == "other party" and action == "accept_cancellation":
            actor = target.proposer
        elif who == "signed out":
            actor = AnonymousUser()
        else:
            actor = self._outsider(contract, pick)
        assert getattr(self, action)(target, actor) is not None, "the model allowed it"

    # --- invariants ---------------------------------------------------------------------------

    @invariant()
    def books_match_the_model(self):
        for person in self.people:
            summary = wallet_summary(owner=person, currency=CURRENCY)
            purse = self._purse(person)
            assert (summary.available, summary.pending, summary.in_escrow, summary.withdrawing) == (
                purse.available,
                purse.pending,
                purse.in_escrow,
                purse.withdrawing,
            ), f"user {person.pk}"
        assert account_balance(purpose=Purpose.PLATFORM_FEES, currency=CURRENCY) == self.fees
        assert account_balance(purpose=Purpose.GATEWAY_CLEARING, currency=CURRENCY) == (
            self.clearing
        )
        assert ledger_audit() == []
        totals = defaultdict(Decimal)
        for currency, balance in Account.objects.values_list("currency", "balance"):
            totals[currency] += balance
        assert {currency: total for currency, total in totals.items() if total} == {}

    @invariant()
    def records_match_the_model(self):
        stored = {
            pk: rest
            for pk, *rest in Milestone.objects.values_list(
                "pk", "status", "released_amount", "refunded_amount", "revisions_used"
            )
        }
        for m in self.milestones:
            expected = [m.status, m.released, m.refunded, m.revisions_used]
            assert stored[m.pk] == expected, f"milestone {m.pk}"
        due_at = dict(
            Milestone.objects.filter(status=MilestoneStatus.SUBMITTED).values_list(
                "pk", "auto_approve_at"
            )
        )
        assert due_at == {
            m.pk: m.auto_approve_at
            for m in self.milestones
            if m.status == MilestoneStatus.SUBMITTED
        }
        assert dict(Contract.objects.values_list("pk", "status")) == {
            c.pk: c.status for c in self.contracts
        }
        assert dict(Cancellation.objects.values_list("pk", "status")) == {
            p.pk: p.status for p in self.proposals
        }
        assert dict(Withdrawal.objects.values_list("pk", "status")) == {
            w.pk: w.status for w in self.withdrawals
        }


def test_money_loop_keeps_the_books_the_model_expects(request):
    chosen = request.config.getoption("hypothesis_seed")
    run_seed = (int(chosen) if chosen.isdigit() else chosen) if chosen else random.getrandbits(32)
    machine = seed(run_seed)(type("MoneyLoopRun", (MoneyLoop,), {}))
    try:
        run_state_machine_as_test(machine, settings=MONEY_LOOP_SETTINGS)
    except BaseException as error:
        error.add_note(f"Replay this run with pytest ... --hypothesis-seed={run_seed}")
        raise


# --- paths a random run reaches only now and then -------------------------------------------------


def test_approving_the_last_milestone_of_a_paused_contract_completes_it():
    # given a one-milestone contract, submitted, then paused by the client
    contract = active_contract(plan=(("Logo", "500.00"),))
    milestone = submitted_milestone(contract)
    services.contract_pause(client=contract.client, contract_id=contract.pk, reason="Holiday")
    # when the client approves (approval is allowed while paused)
    services.milestone_approve(client=contract.client, milestone_id=milestone.pk)
    # then the freelancer is paid and, every milestone being settled, the contract completed
    milestone.refresh_from_db()
    contract.refresh_from_db()
    assert milestone.status == MilestoneStatus.RELEASED
    assert contract.status == Status.COMPLETED
    assert wallet_summary(owner=contract.freelancer, currency=CURRENCY).pending == Decimal("450.00")
    assert ledger_audit() == []


def test_auto_approval_of_a_paused_contracts_last_milestone_does_not_stop_the_job():
    # given two submissions past their time: the first the last milestone of a paused contract
    now = timezone.now()
    paused = active_contract(plan=(("Logo", "500.00"),))
    first = submitted_milestone(paused, now=now)
    services.contract_pause(client=paused.client, contract_id=paused.pk, reason="Holiday")
    second = submitted_milestone(active_contract(), now=now + timedelta(seconds=1))
    # when the periodic job runs after both are due
    released = services.milestones_auto_approve_due(now=now + auto_approve_after() + timedelta(1))
    # then both are released and the paused contract is completed
    assert released == 2
    statuses = Milestone.objects.filter(pk__in=[first.pk, second.pk]).values_list(
        "status", flat=True
    )
    assert set(statuses) == {MilestoneStatus.RELEASED}
    assert Contract.objects.get(pk=paused.pk).status == Status.COMPLETED
    assert ledger_audit() == []


def test_ending_a_paused_contract_after_a_payment_completes_it():
    # given a paused contract whose first milestone was paid and whose second is unfunded
    contract = active_contract()
    first = submitted_milestone(contract)
    services.milestone_approve(client=contract.client, milestone_id=first.pk)
    services.contract_pause(client=contract.client, contract_id=contract.pk, reason="Holiday")
    # when a party ends it (nothing is in escrow)
    services.contract_end(actor=contract.freelancer, contract_id=contract.pk, reason="Enough")
    # then it is completed and the unfunded milestone cancelled
    contract.refresh_from_db()
    assert contract.status == Status.COMPLETED
    assert contract.milestones.get(position=2).status == MilestoneStatus.CANCELLED


def test_a_proposal_is_stale_once_the_escrow_changed_even_to_the_same_total():
    # given two milestones of 300; the first is funded and the client proposes that the
    # freelancer keeps all 300 of it
    contract = active_contract(plan=(("Design", "300.00"), ("Build", "300.00")))
    first = funded_milestone(contract, position=1)
    proposal = services.cancellation_propose(
        actor=contract.client,
        contract_id=contract.pk,
        freelancer_share=Decimal("300.00"),
        reason="The design is done; let us stop there.",
    )
    # and then the first milestone is paid and the second funded: 300 is held again
    services.milestone_submit(
        freelancer=contract.freelancer, milestone_id=first.pk, message="Design ready."
    )
    services.milestone_approve(client=contract.client, milestone_id=first.pk)
    funded_milestone(contract, position=2)
    before = balances()
    # when the freelancer accepts the old proposal
    with pytest.raises(Conflict) as caught:
        services.cancellation_accept(actor=contract.freelancer, cancellation_id=proposal.pk)
    # then it is stale: the client does not pay the second milestone too
    assert caught.value.code == "cancellation_stale"
    assert balances() == before
    assert contract.milestones.get(position=2).status == MilestoneStatus.FUNDED


def test_a_wall_clock_stepping_back_does_not_make_a_proposal_stale():
    # given a funded milestone and a proposal whose time reads an hour before that funding
    # (the machine's clock stepped back in between: times do not order the journals)
    contract = active_contract(plan=(("Design", "300.00"), ("Build", "300.00")))
    funded_milestone(contract, position=1)
    proposal = services.cancellation_propose(
        actor=contract.client,
        contract_id=contract.pk,
        freelancer_share=Decimal("300.00"),
        reason="The design is done; let us stop there.",
    )
    Cancellation.objects.filter(pk=proposal.pk).update(
        created_at=proposal.created_at - timedelta(hours=1)
    )
    # when the freelancer accepts, nothing having moved in escrow since the proposal
    ended = services.cancellation_accept(actor=contract.freelancer, cancellation_id=proposal.pk)
    # then the contract ends as proposed
    assert ended.status == Status.COMPLETED


def test_a_proposal_is_stale_once_another_milestone_was_funded_and_paid_meanwhile():
    # given the first of two milestones funded and the freelancer's proposal to keep part of it
    contract = active_contract(plan=(("Design", "300.00"), ("Build", "300.00")))
    funded_milestone(contract, position=1)
    proposal = services.cancellation_propose(
        actor=contract.freelancer,
        contract_id=contract.pk,
        freelancer_share=Decimal("100.00"),
        reason="Part of the design is done.",
    )
    # and then the second is funded and paid: the same milestone and total are held again
    second = funded_milestone(contract, position=2)
    services.milestone_submit(
        freelancer=contract.freelancer, milestone_id=second.pk, message="Build ready."
    )
    services.milestone_approve(client=contract.client, milestone_id=second.pk)
    before = balances()
    # when the client accepts the old proposal
    with pytest.raises(Conflict) as caught:
        services.cancellation_accept(actor=contract.client, cancellation_id=proposal.pk)
    # then it is stale and nothing moved
    assert caught.value.code == "cancellation_stale"
    assert balances() == before


def test_an_agreed_split_into_odd_cents_is_stored():
    # given a milestone of 0.30 in escrow and the freelancer's proposal to keep 0.10 of it
    contract = active_contract(plan=(("Icon", "0.30"),))
    funded_milestone(contract)
    proposal = services.cancellation_propose(
        actor=contract.freelancer,
        contract_id=contract.pk,
        freelancer_share="0.10",
        reason="A third of it is done.",
    )
    # when the client accepts
    services.cancellation_accept(actor=contract.client, cancellation_id=proposal.pk)
    # then 0.10 was paid and 0.20 refunded (0.10 + 0.20 is exactly the 0.30 held)
    milestone = contract.milestones.get()
    assert (milestone.released_amount, milestone.refunded_amount) == (
        Decimal("0.10"),
        Decimal("0.20"),
    )
    assert wallet_summary(owner=contract.client, currency=CURRENCY).available == Decimal("0.20")
    assert ledger_audit() == []


def test_a_withdrawal_of_odd_cents_is_stored():
    # given someone with 128.54 available and a bank account
    person = UserFactory()
    top_up(person, "128.54")
    method = bank_method(person)
    # when they withdraw all of it
    withdrawal = payments.withdrawal_request(
        user=person, method_id=method.pk, amount="128.54", currency=CURRENCY, idempotency_key="w1"
    )
    # then 126.54 goes to the bank and 2.00 is the fee (126.54 + 2.00 is exactly 128.54)
    assert (withdrawal.amount, withdrawal.fee, withdrawal.paid_out) == (
        Decimal("128.54"),
        Decimal("2.00"),
        Decimal("126.54"),
    )
    assert wallet_summary(owner=person, currency=CURRENCY).withdrawing == Decimal("128.54")
    assert ledger_audit() == []


def test_a_top_up_of_odd_cents_is_credited():
    # given someone topping up 1.12 (the provider's fee of 0.01 makes 1.13 charged)
    person = UserFactory()
    # when they pay at the sandbox checkout and its event arrives
    paid = top_up_paid(person, "1.12")
    # then the wallet holds 1.12
    assert (paid.amount, paid.processing_fee, paid.charged) == (
        Decimal("1.12"),
        Decimal("0.01"),
        Decimal("1.13"),
    )
    assert wallet_summary(owner=person, currency=CURRENCY).available == Decimal("1.12")
    assert ledger_audit() == []


def test_earnings_becoming_available_do_not_make_a_proposal_stale():
    # given a released first milestone, a funded second one and the freelancer's proposal
    contract = active_contract(plan=(("Design", "300.00"), ("Build", "300.00")))
    first = funded_milestone(contract, position=1)
    services.milestone_submit(
        freelancer=contract.freelancer, milestone_id=first.pk, message="Design ready."
    )
    services.milestone_approve(client=contract.client, milestone_id=first.pk)
    funded_milestone(contract, position=2)
    proposal = services.cancellation_propose(
        actor=contract.freelancer,
        contract_id=contract.pk,
        freelancer_share=Decimal("100.00"),
        reason="Part of the build is done.",
    )
    # when the first milestone's earnings become available after the hold period
    pending_funds_settle_due(now=timezone.now() + timedelta(days=365))
    # then the escrow did not move: the client can still accept the proposal
    ended = services.cancellation_accept(actor=contract.client, cancellation_id=proposal.pk)
    assert ended.status == Status.COMPLETED
