"""The escrow loop of a milestone: fund, submit, request changes, approve (or auto-approve).

Rules:

- Only the client funds, requests changes and approves; only the freelancer submits. A stranger
  gets "not found", the other party "permission denied", and nothing changes.
- Funding moves the amount from the client's wallet to the milestone's escrow (short wallet:
  ``wallet_insufficient``, nothing moves). Work is funded and submitted only while the
  contract is active; approval and change requests also while it is paused.
- Each submission is a new ``Delivery`` (message and files, SHA-256 fingerprinted, never
  edited). It starts the auto-approval clock: ``JIEDAN_AUTO_APPROVE_DAYS`` later, a milestone
  the client left submitted is approved by the periodic job, with a reminder
  ``REMIND_BEFORE`` earlier.
- Requesting changes uses one of the revisions the terms allow per milestone, and stops the
  clock until the next submission.
- Approval releases the escrow in one journal: the freelancer's share (net of the commission)
  to pending earnings, the commission to the platform. When every milestone is settled and
  one was paid, the contract is completed.
- Each milestone's money moves at most once per direction: the ledger keys are derived from
  the milestone (``milestone:<id>:fund``, ``:release``, ``:refund``), so a repeat or a race
  never moves money twice; the contract row is locked first, so approve, refund and
  auto-approve of one milestone queue and the later ones find it settled.
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput
from jiedan.core.uploads import upload_check
from jiedan.escrow.services import escrow_hold, escrow_release

from .. import locks
from ..models import (
    AUTO_APPROVED_REASON,
    DELIVERED_REASON,
    FINAL,
    MAX_DELIVERY_FILES,
    SETTLED_REASON,
    Contract,
    Delivery,
    DeliveryFile,
    Milestone,
    MilestoneStatus,
    Status,
)
from .common import CLIENT, FREELANCER, locked_milestone, notify
from .transitions import contract_transition, milestone_transition

REMIND_BEFORE = timedelta(days=3)
MESSAGE_MAX_LENGTH = 5000
WORKING = (Status.ACTIVE,)
REVIEWING = (Status.ACTIVE, Status.PAUSED)


def _require_contract(contract: Contract, statuses) -> None:
    if contract.status not in statuses:
        raise Conflict(
            _("The contract is %(status)s.") % {"status": contract.get_status_display().lower()},
            code="contract_not_active",
        )


def _require(milestone: Milestone, *statuses) -> None:
    if milestone.status not in statuses:
        raise Conflict(
            _("This milestone is %(status)s.") % {"status": milestone.get_status_display().lower()},
            code="milestone_state",
        )


def auto_approve_after() -> timedelta:
    return timedelta(days=settings.JIEDAN_AUTO_APPROVE_DAYS)


@transaction.atomic
def milestone_fund(*, client, milestone_id: int, now=None) -> Milestone:
    """Move the milestone's amount from the client's wallet into its escrow."""
    contract, milestone = locked_milestone(client, milestone_id, role=CLIENT)
    _require_contract(contract, WORKING)
    _require(milestone, MilestoneStatus.UNFUNDED)
    escrow_hold(
        reference=milestone.escrow_reference,
        payer=client,
        amount=milestone.amount,
        currency=milestone.currency,
        idempotency_key=f"{milestone.escrow_reference}:fund",
        memo=f"contract {contract.pk}, milestone {milestone.position}",
    )
    milestone.funded_at = now or timezone.now()
    milestone_transition(milestone=milestone, to=MilestoneStatus.FUNDED, actor=client)
    notify(contract, actor=client, event="milestone.funded", milestone_id=milestone.pk)
    return milestone


def _delivery_digest(*, milestone: Milestone, number: int, message: str, when, hashes) -> str:
    canonical = {
        "milestone": milestone.pk,
        "number": number,
        "message": message,
        "delivered_at": when.isoformat(),
        "files": hashes,
    }
    encoded = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def _checked_delivery(message: str, uploads):
    message = (message or "").strip()
    uploads = [upload for upload in uploads or [] if upload]
    if not message:
        raise InvalidInput(_("Say what you are delivering."), code="message_missing")
    if len(message) > MESSAGE_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the message under %(max)s characters.") % {"max": MESSAGE_MAX_LENGTH},
            code="message_too_long",
        )
    if len(uploads) > MAX_DELIVERY_FILES:
        raise InvalidInput(
            _("Attach at most %(count)s files.") % {"count": MAX_DELIVERY_FILES},
            code="too_many_files",
        )
    return message, [(upload, upload_check(upload)) for upload in uploads]


def _store_delivery(milestone: Milestone, author, message: str, checked_uploads, now):
    number = milestone.deliveries.count() + 1
    hashes = [checked.sha256 for _upload, checked in checked_uploads]
    delivery = Delivery.objects.create(
        milestone=milestone,
        number=number,
        message=message,
        author=author,
        created_at=now,
        digest=_delivery_digest(
            milestone=milestone, number=number, message=message, when=now, hashes=hashes
        ),
    )
    for upload, checked in checked_uploads:
        record = DeliveryFile(
            delivery=delivery,
            original_name=(upload.name or checked.stored_name())[:200],
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )
        record.file.save(checked.stored_name(), upload, save=False)
        record.save()
    return delivery


@transaction.atomic
def milestone_submit(
    *, freelancer, milestone_id: int, message: str, uploads=(), now=None
) -> Delivery:
    """Deliver work on a funded milestone (or after changes were requested)."""
    now = now or timezone.now()
    message, checked_uploads = _checked_delivery(message, uploads)
    contract, milestone = locked_milestone(freelancer, milestone_id, role=FREELANCER)
    _require_contract(contract, WORKING)
    _require(milestone, MilestoneStatus.FUNDED, MilestoneStatus.CHANGES_REQUESTED)
    delivery = _store_delivery(milestone, freelancer, message, checked_uploads, now)
    milestone.submitted_at = now
    milestone.auto_approve_at = now + auto_approve_after()
    milestone.reminded_at = None
    milestone_transition(
        milestone=milestone,
        to=MilestoneStatus.SUBMITTED,
        actor=freelancer,
        reason=DELIVERED_REASON,
    )
    notify(contract, actor=freelancer, event="milestone.submitted", milestone_id=milestone.pk)
    return delivery


@transaction.atomic
def milestone_request_changes(*, client, milestone_id: int, note: str) -> Milestone:
    """Send a submission back with what to change; uses one of the allowed revisions."""
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("Say what should change."), code="note_missing")
    contract, milestone = locked_milestone(client, milestone_id, role=CLIENT)
    _require_contract(contract, REVIEWING)
    _require(milestone, MilestoneStatus.SUBMITTED)
    allowed = contract.terms.revisions
    if milestone.revisions_used >= allowed:
        raise Conflict(
            _(
                "All %(count)s revisions of this milestone are used. Approve it, agree a change "
                "to the contract, or open a dispute."
            )
            % {"count": allowed},
            code="revisions_used_up",
        )
    milestone.revisions_used += 1
    milestone.auto_approve_at = None
    milestone_transition(
        milestone=milestone,
        to=MilestoneStatus.CHANGES_REQUESTED,
        actor=client,
        reason=note[:MESSAGE_MAX_LENGTH],
    )
    notify(contract, actor=client, event="milestone.changes_requested", milestone_id=milestone.pk)
    return milestone


def contract_complete_if_settled(contract: Contract, *, actor, now) -> None:
    """An active or paused contract whose milestones are all settled, at least one of them
    paid, is completed."""
    if contract.status not in REVIEWING:
        return
    statuses = set(contract.milestones.order_by().values_list("status", flat=True))
    if statuses <= FINAL and MilestoneStatus.RELEASED in statuses:
        contract.ended_at = now
        contract_transition(
            contract=contract, to=Status.COMPLETED, actor=actor, reason=SETTLED_REASON
        )


def release(contract: Contract, milestone: Milestone, *, amount, actor, now):
    """Pay ``amount`` of the milestone's escrow to the freelancer (one journal)."""
    escrow_release(
        reference=milestone.escrow_reference,
        payee=contract.freelancer,
        amount=amount,
        currency=milestone.currency,
        idempotency_key=f"{milestone.escrow_reference}:release",
        memo=f"contract {contract.pk}, milestone {milestone.position}",
        actor=actor,
        now=now,
    )
    milestone.released_amount = amount
    milestone.auto_approve_at = None
    milestone.closed_at = now


@transaction.atomic
def milestone_approve(*, client, milestone_id: int, now=None) -> Milestone:
    """The client approves the delivered work: the escrow is released to the freelancer."""
    now = now or timezone.now()
    contract, milestone = locked_milestone(client, milestone_id, role=CLIENT)
    _require_contract(contract, REVIEWING)
    _require(milestone, MilestoneStatus.SUBMITTED, MilestoneStatus.CHANGES_REQUESTED)
    release(contract, milestone, amount=milestone.amount, actor=client, now=now)
    milestone_transition(milestone=milestone, to=MilestoneStatus.RELEASED, actor=client)
    contract_complete_if_settled(contract, actor=client, now=now)
    notify(contract, actor=client, event="milestone.released", milestone_id=milestone.pk)
    return milestone


@transaction.atomic
def milestone_auto_approve(*, milestone_id: int, now=None) -> Milestone | None:
    """Release a submission the client left unanswered past its auto-approval time (the
    periodic job). Re-checked under the locks: None when the client acted first."""
    now = now or timezone.now()
    contract_id = (
        Milestone.objects.filter(pk=milestone_id)
        .values_list("contract_id", flat=True)
        .order_by("pk")
        .first()
    )
    if contract_id is None:
        return None
    contract = locks.contracts().get(pk=contract_id)
    milestone = locks.milestones().get(pk=milestone_id)
    due = (
        milestone.status == MilestoneStatus.SUBMITTED
        and milestone.auto_approve_at is not None
        and milestone.auto_approve_at <= now
        and contract.status in REVIEWING
    )
    if not due:
        return None
    release(contract, milestone, amount=milestone.amount, actor=None, now=now)
    milestone_transition(
        milestone=milestone, to=MilestoneStatus.RELEASED, actor=None, reason=AUTO_APPROVED_REASON
    )
    contract_complete_if_settled(contract, actor=None, now=now)
    notify(contract, actor=None, event="milestone.released", milestone_id=milestone.pk)
    return milestone


def milestones_auto_approve_due(*, now=None, limit: int = 500) -> int:
    """Auto-approve every submission past its time; returns how many were released."""
    now = now or timezone.now()
    due = Milestone.objects.filter(
        status=MilestoneStatus.SUBMITTED, auto_approve_at__lte=now
    ).order_by("auto_approve_at", "pk")
    return sum(
        milestone_auto_approve(milestone_id=pk, now=now) is not None
        for pk in due.values_list("pk", flat=True)[:limit]
    )
