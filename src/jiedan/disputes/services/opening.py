"""Opening a dispute on a milestone or an hourly week.

Rules:

- Either party of an active or paused contract may open one on a milestone whose money is in
  escrow (funded, submitted, or with changes requested), or on a weekly statement in review,
  queried or waiting for the client's payment. At most one dispute is open per milestone or
  week (the status check under the locks, and a unique constraint as the backstop).
- The opener gives a reason, what happened (required) and the outcome they ask for: pay the
  freelancer in full, refund the client in full, or a split naming the freelancer's part
  (more than nothing and less than the whole amount).
- Milestone: in one transaction the contract then the milestone are locked (the order every
  approval and auto-approval takes, so a race with either ends with one winner), the status
  is re-checked, everything in the milestone's escrow moves to its dispute hold
  (``dispute:<id>:hold``) and the milestone becomes ``disputed``, which also stops its
  auto-approval clock.
- Week: the week's amount is taken from the client's wallet into the escrow ``statement:<id>``
  (``dispute:<id>:fund``) and on to its dispute hold (``dispute:<id>:hold``) in the same
  transaction; the week becomes ``disputed`` and is not billed by the job. A short wallet
  refuses the opening and nothing moves: the client is told to top up first, the freelancer
  that the week still waits for the client's payment, so there is nothing to dispute yet.
- Negotiation starts at once and lasts ``JIEDAN_DISPUTE_NEGOTIATION_DAYS``. If the other party
  never answers at all by then, the dispute is settled as the opener asked (``jobs``).
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.contracts import locks as contract_locks
from jiedan.contracts.models import (
    DISPUTE_OPENED_REASON,
    IN_ESCROW,
    Contract,
    MilestoneStatus,
    StatementStatus,
    WeeklyStatement,
)
from jiedan.contracts.models import Status as ContractStatus
from jiedan.contracts.services.common import locked_contract, locked_milestone, party_role
from jiedan.contracts.services.statements import statement_transition
from jiedan.contracts.services.transitions import milestone_transition
from jiedan.core.errors import Conflict, InvalidInput, NotFound
from jiedan.core.money import money_display, money_quantize
from jiedan.escrow.services import escrow_dispute_hold, escrow_hold
from jiedan.ledger.models import Journal, Purpose

from ..models import DETAILS_MAX_LENGTH, Dispute, Outcome, Reason
from .common import Locked, event_record, money_key, negotiation_time, tell

RUNNING = (ContractStatus.ACTIVE, ContractStatus.PAUSED)
DISPUTABLE_WEEKS = (StatementStatus.REVIEW, StatementStatus.QUERIED, StatementStatus.PAYMENT_DUE)


@dataclass(frozen=True)
class Claim:
    """What the opener says: the reason, what happened, and the outcome they ask for (a
    split names the freelancer's part)."""

    reason: str
    details: str
    desired_outcome: str
    desired_freelancer_amount: Decimal | str | None = None


def _checked_claim(claim: Claim) -> Claim:
    if claim.reason not in Reason.values:
        raise InvalidInput(_("Choose a reason."), code="reason_invalid")
    if claim.desired_outcome not in Outcome.values:
        raise InvalidInput(_("Choose the outcome you ask for."), code="outcome_invalid")
    details = (claim.details or "").strip()
    if not details:
        raise InvalidInput(_("Say what happened."), code="details_missing")
    if len(details) > DETAILS_MAX_LENGTH:
        raise InvalidInput(
            _("Keep it under %(max)s characters.") % {"max": DETAILS_MAX_LENGTH},
            code="details_too_long",
        )
    return replace(claim, details=details)


def _desired_split(claim: Claim, amount: Decimal, currency: str) -> Decimal | None:
    """The freelancer's part of a split: more than nothing, less than the whole."""
    if claim.desired_outcome != Outcome.SPLIT:
        return None
    if claim.desired_freelancer_amount in (None, ""):
        raise InvalidInput(
            _("Say how much of it the freelancer should get."), code="split_amount_missing"
        )
    part = money_quantize(claim.desired_freelancer_amount, currency)
    if not 0 < part < amount:
        raise InvalidInput(
            _("A split gives the freelancer more than nothing and less than %(amount)s.")
            % {"amount": money_display(amount, currency)},
            code="split_out_of_range",
        )
    return part


def _require_running(contract: Contract) -> None:
    if contract.status not in RUNNING:
        raise Conflict(
            _("Only a running contract can be disputed; this one is %(status)s.")
            % {"status": contract.get_status_display().lower()},
            code="contract_not_active",
        )


def _not_disputable(status_label) -> Conflict:
    return Conflict(
        _("This can be disputed only while its money is in escrow; it is %(status)s.")
        % {"status": str(status_label).lower()},
        code="not_disputable",
    )


def _create(contract: Contract, actor, claim: Claim, *, subject, now) -> Dispute:
    return Dispute.objects.create(
        contract=contract,
        milestone=subject if not isinstance(subject, WeeklyStatement) else None,
        statement=subject if isinstance(subject, WeeklyStatement) else None,
        opened_by=actor,
        opener_side=party_role(contract, actor),
        reason=claim.reason,
        details=claim.details,
        desired_outcome=claim.desired_outcome,
        desired_freelancer_amount=_desired_split(claim, subject.amount, subject.currency),
        amount=subject.amount,
        currency=subject.currency,
        previous_status=subject.status,
        negotiation_ends_at=now + negotiation_time(),
    )


def _held(journal: Journal) -> Decimal:
    """What the dispute-hold journal moved into the hold."""
    entry = journal.entries.get(account__purpose=Purpose.DISPUTE_HOLD)
    return entry.amount


def _hold(locked: Locked, actor, now) -> Dispute:
    dispute = locked.dispute
    journal = escrow_dispute_hold(
        reference=locked.subject.escrow_reference,
        idempotency_key=money_key(dispute, "hold"),
        memo=f"dispute {dispute.pk}, contract {locked.contract.pk}",
        actor=actor,
    )
    dispute.held_amount = _held(journal)
    dispute.save(update_fields=["held_amount", "updated_at"])
    event_record(
        dispute,
        "opened",
        actor=actor,
        reason=dispute.reason,
        desired_outcome=dispute.desired_outcome,
        held=str(dispute.held_amount),
    )
    tell(locked, "dispute.opened", actor=actor)
    return dispute


@transaction.atomic
def dispute_open_milestone(*, actor, milestone_id: int, claim: Claim, now=None) -> Dispute:
    """Open a dispute on a milestone with money in escrow: the escrow moves to dispute hold."""
    now = now or timezone.now()
    claim = _checked_claim(claim)
    contract, milestone = locked_milestone(actor, milestone_id, role=None)
    _require_running(contract)
    if milestone.status not in IN_ESCROW:
        raise _not_disputable(milestone.get_status_display())
    dispute = _create(contract, actor, claim, subject=milestone, now=now)
    milestone.auto_approve_at = None
    milestone_transition(
        milestone=milestone,
        to=MilestoneStatus.DISPUTED,
        actor=actor,
        reason=DISPUTE_OPENED_REASON,
    )
    locked = Locked(contract=contract, dispute=dispute, milestone=milestone, statement=None)
    return _hold(locked, actor, now)


def _locked_week(actor, statement_id: int) -> tuple[Contract, WeeklyStatement]:
    contract_id = (
        WeeklyStatement.objects.filter(pk=statement_id)
        .values_list("contract_id", flat=True)
        .first()
    )
    if contract_id is None:
        raise NotFound(_("No such statement."), code="statement_not_found")
    contract = locked_contract(actor, contract_id)
    return contract, contract_locks.statements().get(pk=statement_id)


def _fund_week(locked: Locked, actor) -> None:
    """The week's amount from the client's wallet into the week's escrow."""
    dispute, contract = locked.dispute, locked.contract
    try:
        escrow_hold(
            reference=locked.statement.escrow_reference,
            payer=contract.client,
            amount=dispute.amount,
            currency=dispute.currency,
            idempotency_key=money_key(dispute, "fund"),
            memo=f"dispute {dispute.pk}, contract {contract.pk}",
        )
    except Conflict as error:
        if error.code != "wallet_insufficient":
            raise
        if actor.pk == contract.client_id:
            raise Conflict(
                _(
                    "The week's amount is held while the dispute runs, so it must be in your "
                    "wallet. %(short)s"
                )
                % {"short": error.message},
                code="wallet_insufficient",
            ) from error
        raise Conflict(
            _(
                "This week is still waiting for the client's payment, so there is nothing to "
                "dispute yet."
            ),
            code="week_unpaid",
        ) from error


@transaction.atomic
def dispute_open_week(*, actor, statement_id: int, claim: Claim, now=None) -> Dispute:
    """Open a dispute on a weekly statement not billed yet: its amount moves from the
    client's wallet, through the week's escrow, to dispute hold."""
    now = now or timezone.now()
    claim = _checked_claim(claim)
    contract, statement = _locked_week(actor, statement_id)
    _require_running(contract)
    if statement.status not in DISPUTABLE_WEEKS:
        raise _not_disputable(statement.get_status_display())
    if statement.amount <= 0:
        raise Conflict(_("This week bills nothing, so there is nothing to dispute."), code="zero")
    dispute = _create(contract, actor, claim, subject=statement, now=now)
    locked = Locked(contract=contract, dispute=dispute, milestone=None, statement=statement)
    _fund_week(locked, actor)
    statement_transition(statement=statement, to=StatementStatus.DISPUTED)
    return _hold(locked, actor, now)
