"""The steps of a fixed-price contract: each milestone funded, delivered (a ``Delivery``
fingerprinted as ``milestone_submit`` does), sent back for changes once in a while, then
approved by the client or automatically (with the reminder before that); and the agreed
cancellations that pay part of a milestone's escrow and refund the rest, or end a contract
with nothing held. Money moves go to the ``Ledger`` under the contract services' keys."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings

from jiedan.contracts.models import (
    AGREED_CANCELLATION_REASON,
    AUTO_APPROVED_REASON,
    CONTRACT_ENDED_REASON,
    DELIVERED_REASON,
    ESCROW_PREFIX,
    SETTLED_REASON,
    Cancellation,
    CancellationStatus,
    Contract,
    ContractTerms,
    Delivery,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
)
from jiedan.contracts.services.milestones import REMIND_BEFORE
from jiedan.core.money import money_quantize

from . import texts
from .plan import days, minutes
from .writer import record


@dataclass
class PlannedMilestone:
    row: Milestone
    changes: list[MilestoneStatusChange] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)


class FixedPriceSteps:
    """Part of ``ContractStory``: it uses the story's run, ledger, random stream, parties and
    ``_end``."""

    def _fixed(self, contract: Contract, terms: ContractTerms, started: datetime):
        """The milestones of the plan (unfunded from the acceptance on), taken one after the
        other; a few contracts end early at one of them. Returns the ``Outcome`` when the
        contract ended."""
        rng = self.rng
        milestones = self.milestones
        for position, line in enumerate(terms.milestones, start=1):
            planned = record(
                Milestone,
                id=self.run.ids.take(Milestone),
                contract_id=self.id,
                position=position,
                title=line["title"],
                amount=Decimal(line["amount"]),
                currency=contract.currency,
                due_date=date.fromisoformat(line["due_date"]),
                status=MilestoneStatus.UNFUNDED,
                created_at=started,
                updated_at=started,
            )
            milestones.append(PlannedMilestone(planned))
        stop = rng.randrange(len(milestones)) if rng.random() < 0.07 else None
        outcome, moment = None, started
        for index, milestone in enumerate(milestones):
            if index == stop:
                outcome = self._cancel(contract, milestones, index, moment)
                break
            moment = self._milestone(contract, terms, milestone, moment)
            if moment is None:
                break
        else:
            actor = self.client if milestones[-1].changes[-1].actor_id else None
            outcome = self._end(contract, actor, SETTLED_REASON, moment)
        for milestone in milestones:
            self.rows += [milestone.row, *milestone.deliveries, *milestone.changes]
        return outcome

    def _milestone_move(self, milestone: PlannedMilestone, to: str, actor, at, reason: str = ""):
        row = milestone.row
        milestone.changes.append(
            record(
                MilestoneStatusChange,
                id=self.run.ids.take(MilestoneStatusChange),
                milestone_id=row.id,
                actor_id=actor,
                from_status=row.status,
                to_status=to,
                reason=reason,
                created_at=at,
            )
        )
        row.status, row.updated_at = to, at

    def _reference(self, milestone: PlannedMilestone) -> str:
        return f"{ESCROW_PREFIX}:{milestone.row.id}"

    def _memo(self, milestone: PlannedMilestone) -> str:
        return f"contract {self.id}, milestone {milestone.row.position}"

    def _fund(self, milestone: PlannedMilestone, at: datetime) -> None:
        row = milestone.row
        self.ledger.hold(
            at,
            reference=self._reference(milestone),
            payer=self.client,
            amount=row.amount,
            currency=row.currency,
            key=f"{self._reference(milestone)}:fund",
            memo=self._memo(milestone),
            lang=self.hire.client.lang,
        )
        row.funded_at = at
        self._milestone_move(milestone, MilestoneStatus.FUNDED, self.client, at)

    def _release(self, milestone: PlannedMilestone, amount: Decimal, actor, at: datetime) -> None:
        row = milestone.row
        self.ledger.release(
            at,
            reference=self._reference(milestone),
            payee=self.freelancer,
            amount=amount,
            currency=row.currency,
            key=f"{self._reference(milestone)}:release",
            memo=self._memo(milestone),
            actor=actor,
        )
        row.released_amount, row.auto_approve_at, row.closed_at = amount, None, at

    def _deliver(self, milestone: PlannedMilestone, at: datetime) -> None:
        row, lang = milestone.row, self.hire.lang
        number = len(milestone.deliveries) + 1
        message = texts.pick(self.rng, texts.DELIVERY_MESSAGES, lang)
        canonical = {
            "milestone": row.id,
            "number": number,
            "message": message,
            "delivered_at": at.isoformat(),
            "files": [],
        }
        encoded = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        milestone.deliveries.append(
            record(
                Delivery,
                id=self.run.ids.take(Delivery),
                milestone_id=row.id,
                number=number,
                message=message,
                author_id=self.freelancer,
                digest=hashlib.sha256(encoded.encode()).hexdigest(),
                created_at=at,
            )
        )
        row.submitted_at, row.reminded_at = at, None
        row.auto_approve_at = at + timedelta(days=settings.JIEDAN_AUTO_APPROVE_DAYS)
        self._milestone_move(
            milestone, MilestoneStatus.SUBMITTED, self.freelancer, at, DELIVERED_REASON
        )

    def _milestone(self, contract, terms, milestone: PlannedMilestone, after: datetime):
        """Fund, deliver, maybe send back once, approve; the moment of approval, or None
        when ``now`` comes first."""
        rng, now, row = self.rng, self.run.now, milestone.row
        funded = after + minutes(rng, 30, 2880)
        if funded >= now:
            return None
        self._fund(milestone, funded)
        share = max(2, self.hire.delivery_days // max(1, len(terms.milestones)))
        submitted = funded + days(rng, 1, share)
        if submitted >= now:
            return None
        self._deliver(milestone, submitted)
        if terms.revisions and rng.random() < 0.2:
            sent_back = submitted + days(rng, 0.2, 3)
            if sent_back >= now:
                return self._remind(row)
            row.revisions_used, row.auto_approve_at = 1, None
            note = texts.pick(rng, texts.CHANGE_NOTES, self.hire.lang)
            self._milestone_move(
                milestone, MilestoneStatus.CHANGES_REQUESTED, self.client, sent_back, note
            )
            submitted = sent_back + days(rng, 0.5, 4)
            if submitted >= now:
                return None
            self._deliver(milestone, submitted)
        if rng.random() < 0.06:
            actor, reason = None, AUTO_APPROVED_REASON
            approved = row.auto_approve_at + minutes(rng, 1, 60)
        else:
            actor, reason = self.client, ""
            approved = submitted + minutes(rng, 120, 6 * 1440)
        self._remind(row, before=approved)
        if approved >= now:
            return None
        self._release(milestone, row.amount, actor, approved)
        self._milestone_move(milestone, MilestoneStatus.RELEASED, actor, approved, reason)
        return approved

    def _remind(self, row: Milestone, before: datetime | None = None) -> None:
        """The client's reminder, sent by the hourly job ``REMIND_BEFORE`` the auto-approval
        of a submission still waiting then."""
        if row.auto_approve_at is None:
            return None
        reminded = row.auto_approve_at - REMIND_BEFORE + minutes(self.rng, 1, 60)
        if reminded < min(before or self.run.now, self.run.now):
            row.reminded_at = reminded
        return None

    def _cancel(self, contract, milestones: list[PlannedMilestone], index: int, after: datetime):
        """End the contract early at milestone ``index``: by agreement, splitting its escrow,
        when it is funded; directly, cancelling what is unfunded, when nothing is held."""
        rng, now = self.rng, self.run.now
        milestone = milestones[index]
        proposer, other = (self.client, self.freelancer)
        if rng.random() < 0.4:
            proposer, other = other, proposer
        reason = texts.pick(rng, texts.END_REASONS, self.hire.lang)
        if rng.random() < 0.5:
            at = after + days(rng, 1, 15)
            if at >= now:
                return None
            for rest in milestones[index:]:
                self._milestone_move(rest, MilestoneStatus.CANCELLED, proposer, at, reason)
            return self._end(contract, proposer, reason, at)
        funded = after + minutes(rng, 30, 2880)
        if funded >= now:
            return None
        self._fund(milestone, funded)
        proposed = funded + days(rng, 1, 10)
        if proposed >= now:
            return None
        amount = milestone.row.amount
        share = rng.choice([Decimal(0), money_quantize(amount / 2, contract.currency)])
        decided = proposed + minutes(rng, 60, 2 * 1440)
        cancellation = record(
            Cancellation,
            id=self.run.ids.take(Cancellation),
            contract_id=self.id,
            proposed_by_id=proposer,
            freelancer_share=share,
            held_total=amount,
            held_milestones=[milestone.row.id],
            reason=reason,
            status=CancellationStatus.PROPOSED,
            created_at=proposed,
        )
        self.rows.append(cancellation)
        if decided >= now:
            return None
        cancellation.status, cancellation.decided_by_id = CancellationStatus.ACCEPTED, other
        cancellation.decided_at = decided
        if share:
            self._release(milestone, share, other, decided)
        if amount - share:
            self.ledger.refund(
                decided,
                reference=self._reference(milestone),
                payer=self.client,
                amount=amount - share,
                currency=contract.currency,
                key=f"{self._reference(milestone)}:refund",
                memo=f"contract {self.id} cancelled",
                actor=other,
            )
            milestone.row.refunded_amount, milestone.row.closed_at = amount - share, decided
        to = MilestoneStatus.RELEASED if share else MilestoneStatus.REFUNDED
        self._milestone_move(milestone, to, other, decided, AGREED_CANCELLATION_REASON)
        for rest in milestones[index + 1 :]:
            self._milestone_move(
                rest, MilestoneStatus.CANCELLED, other, decided, CONTRACT_ENDED_REASON
            )
        return self._end(contract, other, reason, decided)
