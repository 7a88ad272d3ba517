"""Change requests: the terms of a running contract change only when both parties agree to an
exact new version, so scope never creeps in silently.

Rules:

- Either party of an active or paused contract proposes a complete new version of the terms
  (scope, deliverables, revisions, deadline, delay policy, IP, the milestone plan; for an hourly
  contract its rate and weekly limit) with a reason. The kind of contract (fixed price or
  hourly) cannot change. At most one request is open per contract. An offer nobody accepted yet
  is revised instead (``offers.contract_offer_revise``).
- The milestone plan refers to existing milestones by id. Every milestone that is funded, in
  review, in dispute or settled stays in the plan exactly once with its title and amount; its
  due date may move until it is settled. An unfunded milestone may be changed (title, amount,
  due date) or left out, which cancels it on acceptance. Lines without an id are new
  milestones. Ids of other contracts, of cancelled milestones or repeated are refused, and so
  is a version that changes nothing.
- The proposal is written at once as the next ``ContractTerms`` version, accepted by the
  proposer (digest and IP recorded); the contract keeps its current terms until the other
  party accepts that exact version by its digest (a different digest: ``terms_changed``). The
  proposer cannot accept their own request.
- Acceptance is refused as stale when the contract's terms are no longer the request's base,
  when a milestone the request changes or removes is no longer unfunded (or a milestone it
  keeps was changed), or when the contract is no longer active or paused. On acceptance, in
  one transaction, the new version becomes the contract's terms, changed unfunded milestones
  take their new title, amount and due date, removed ones are cancelled
  (``CHANGE_ACCEPTED_REASON``) and new ones are created unfunded after the last position; a
  contract whose milestones are then all settled is completed.
- The other party may decline (with an optional reason, sent with the notification) and the
  proposer may withdraw; ending the contract withdraws an open request. Every request stays,
  with its version of the terms, as the history of the contract's changes.
- The other party is notified of each step (``contract.change.*``).
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from .. import locks
from ..models import (
    CHANGE_ACCEPTED_REASON,
    FINAL,
    ChangeRequest,
    ChangeStatus,
    Contract,
    ContractTerms,
    Milestone,
    MilestoneStatus,
    Status,
    TermsAcceptance,
)
from ..models.changes import REASON_MAX_LENGTH
from ..terms import TermsDetails, TermsDocument, terms_checked
from .common import locked_contract, notify, terms_version_write
from .milestones import REVIEWING, contract_complete_if_settled
from .transitions import milestone_transition

TERMS_FIELDS = (
    "scope",
    "deliverables",
    "revisions",
    "deadline",
    "delay_policy",
    "ip_transfer",
    "total",
    "kind",
    "hourly_rate",
    "weekly_limit",
)


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the terms should change."), code="reason_missing")
    return reason[:REASON_MAX_LENGTH]


def _require_running(contract: Contract) -> None:
    if contract.status == Status.OFFERED:
        raise Conflict(
            _("This offer is not accepted yet: revise the offer instead."),
            code="contract_not_started",
        )
    if contract.status not in REVIEWING:
        raise Conflict(_("This contract has already ended."), code="contract_ended")


def _line_values(line: dict) -> tuple:
    return (line["title"], Decimal(line["amount"]), line["due_date"])


def _milestone_values(milestone: Milestone) -> tuple:
    due = milestone.due_date.isoformat() if milestone.due_date else None
    return (milestone.title, milestone.amount, due)


def plan_problem(plan: list[dict], milestones: list[Milestone]) -> str | None:
    """Why ``plan`` cannot replace the contract's ``milestones`` now, or None. A kept
    milestone that is no longer unfunded may only move its due date, until it is settled."""
    by_id = {milestone.pk: milestone for milestone in milestones}
    seen: set[int] = set()
    for line in plan:
        if "milestone" not in line:
            continue
        milestone = by_id.get(line["milestone"])
        if milestone is None or milestone.status == MilestoneStatus.CANCELLED:
            return _("The plan refers to a milestone that is not part of this contract.")
        if milestone.pk in seen:
            return _("Each milestone may appear only once in the plan.")
        seen.add(milestone.pk)
        if milestone.status == MilestoneStatus.UNFUNDED:
            continue
        old, new = _milestone_values(milestone), _line_values(line)
        if old[:2] != new[:2] or (old[2] != new[2] and milestone.status in FINAL):
            return _("“%(title)s” is no longer unfunded: only its due date may change.") % {
                "title": milestone.title
            }
    for milestone in milestones:
        kept = milestone.status in (MilestoneStatus.UNFUNDED, MilestoneStatus.CANCELLED)
        if not kept and milestone.pk not in seen:
            return _("“%(title)s” is no longer unfunded, so it stays in the plan.") % {
                "title": milestone.title
            }
    return None


def _changes_something(doc: TermsDocument, current: ContractTerms, milestones) -> bool:
    if any(getattr(doc, name) != getattr(current, name) for name in TERMS_FIELDS):
        return True
    kept = {line["milestone"]: _line_values(line) for line in doc.milestones if "milestone" in line}
    if len(kept) != len(doc.milestones):
        return True
    live = {m.pk: _milestone_values(m) for m in milestones if m.status != MilestoneStatus.CANCELLED}
    return kept != live


def _write_version(contract: Contract, doc: TermsDocument, *, author, ip_address) -> ContractTerms:
    terms = terms_version_write(contract, doc, author=author)
    TermsAcceptance.objects.create(
        terms=terms, party=author, digest=terms.digest, ip_address=ip_address or None
    )
    return terms


@transaction.atomic
def change_propose(
    *, actor, contract_id: int, details: TermsDetails, reason: str, ip_address=None, now=None
) -> ChangeRequest:
    """A party proposes ``details`` as the contract's new terms, for ``reason``."""
    now = now or timezone.now()
    reason = _clean_reason(reason)
    contract = locked_contract(actor, contract_id)
    _require_running(contract)
    if details.kind != contract.kind:
        raise InvalidInput(
            _("A fixed-price contract stays fixed-price and an hourly one stays hourly."),
            code="kind_change",
        )
    if contract.change_requests.filter(status=ChangeStatus.PROPOSED).exists():
        raise Conflict(_("A change to this contract is already proposed."), code="change_open")
    doc = terms_checked(details, currency=contract.currency, today=timezone.localdate(now))
    milestones = list(contract.milestones.all())
    problem = plan_problem(doc.milestones, milestones)
    if problem:
        raise InvalidInput(problem, code="milestone_plan")
    if not _changes_something(doc, contract.terms, milestones):
        raise InvalidInput(_("Nothing changed in these terms."), code="nothing_changed")
    terms = _write_version(contract, doc, author=actor, ip_address=ip_address)
    change = ChangeRequest.objects.create(
        contract=contract, base_terms=contract.terms, terms=terms, proposed_by=actor, reason=reason
    )
    notify(contract, actor=actor, event="contract.change.proposed", change_id=change.pk)
    return change


def _locked_open_change(actor, change_id: int) -> tuple[Contract, ChangeRequest]:
    contract_id = (
        ChangeRequest.objects.filter(pk=change_id).values_list("contract_id", flat=True).first()
    )
    if contract_id is None:
        raise NotFound(_("No such change request."), code="change_not_found")
    contract = locked_contract(actor, contract_id)
    change = locks.change_requests().select_related("terms").get(pk=change_id)
    if change.status != ChangeStatus.PROPOSED:
        raise Conflict(_("This change request was already answered."), code="change_closed")
    return contract, change


def _decide(change: ChangeRequest, status: str, actor, now) -> None:
    change.status = status
    change.decided_by = actor
    change.decided_at = now
    change.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])


def _stale() -> Conflict:
    return Conflict(
        _("The contract changed since this was proposed, so it can no longer be accepted."),
        code="change_stale",
    )


def _apply_plan(contract: Contract, plan: list[dict], milestones: list[Milestone], actor) -> None:
    by_id = {milestone.pk: milestone for milestone in milestones}
    kept = {line["milestone"] for line in plan if "milestone" in line}
    for line in plan:
        milestone = by_id.get(line.get("milestone"))
        if milestone is not None and _milestone_values(milestone) != _line_values(line):
            milestone.title, milestone.amount = line["title"], Decimal(line["amount"])
            milestone.due_date = line["due_date"]
            milestone.save(update_fields=["title", "amount", "due_date", "updated_at"])
    for milestone in milestones:
        if milestone.status == MilestoneStatus.UNFUNDED and milestone.pk not in kept:
            milestone_transition(
                milestone=milestone,
                to=MilestoneStatus.CANCELLED,
                actor=actor,
                reason=CHANGE_ACCEPTED_REASON,
            )
    last = max((milestone.position for milestone in milestones), default=0)
    new_lines = [line for line in plan if "milestone" not in line]
    Milestone.objects.bulk_create(
        Milestone(
            contract=contract,
            position=position,
            title=line["title"],
            amount=line["amount"],
            currency=contract.currency,
            due_date=line["due_date"],
        )
        for position, line in enumerate(new_lines, start=last + 1)
    )


@transaction.atomic
def change_accept(
    *, actor, change_id: int, digest: str, ip_address=None, now=None
) -> ChangeRequest:
    """The other party accepts the proposed version they read (by its ``digest``): it becomes
    the contract's terms and the milestones follow the new plan."""
    now = now or timezone.now()
    contract, change = _locked_open_change(actor, change_id)
    if actor.pk == change.proposed_by_id:
        raise PermissionDenied(
            _("The other party must accept your change request."), code="own_change"
        )
    terms = change.terms
    if digest != terms.digest:
        raise Conflict(
            _("The terms changed since you read them. Read them again before accepting."),
            code="terms_changed",
        )
    milestones = list(locks.milestones().filter(contract=contract))
    if (
        contract.status not in REVIEWING
        or contract.terms_id != change.base_terms_id
        or plan_problem(terms.milestones, milestones)
    ):
        raise _stale()
    TermsAcceptance.objects.create(
        terms=terms, party=actor, digest=digest, ip_address=ip_address or None
    )
    contract.terms = terms
    contract.save(update_fields=["terms", "updated_at"])
    _apply_plan(contract, terms.milestones, milestones, actor)
    _decide(change, ChangeStatus.ACCEPTED, actor, now)
    contract_complete_if_settled(contract, actor=actor, now=now)
    notify(contract, actor=actor, event="contract.change.accepted", change_id=change.pk)
    return change


@transaction.atomic
def change_decline(*, actor, change_id: int, reason: str = "", now=None) -> ChangeRequest:
    """The other party turns the request down; the terms stay as they are."""
    contract, change = _locked_open_change(actor, change_id)
    if actor.pk == change.proposed_by_id:
        raise PermissionDenied(_("Withdraw your own change request instead."), code="own_change")
    change.decline_reason = (reason or "").strip()[:REASON_MAX_LENGTH]
    _decide(change, ChangeStatus.DECLINED, actor, now or timezone.now())
    notify(
        contract,
        actor=actor,
        event="contract.change.declined",
        change_id=change.pk,
        reason=change.decline_reason,
    )
    return change


@transaction.atomic
def change_withdraw(*, actor, change_id: int, now=None) -> ChangeRequest:
    """The proposer takes their request back; the terms stay as they are."""
    contract, change = _locked_open_change(actor, change_id)
    if actor.pk != change.proposed_by_id:
        raise PermissionDenied(
            _("Only who proposed the change can withdraw it."), code="not_own_change"
        )
    _decide(change, ChangeStatus.WITHDRAWN, actor, now or timezone.now())
    notify(contract, actor=actor, event="contract.change.withdrawn", change_id=change.pk)
    return change


def change_withdraw_open(contract: Contract, *, actor, now) -> None:
    """Withdraw the open change request of a contract that is ending (its row locked)."""
    for change in locks.change_requests().filter(contract=contract, status=ChangeStatus.PROPOSED):
        _decide(change, ChangeStatus.WITHDRAWN, actor, now)
        notify(contract, actor=actor, event="contract.change.withdrawn", change_id=change.pk)
