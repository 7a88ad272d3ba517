"""The contract record of a contest award.

A contest is a contract of its own kind: the client's rules (the brief, the prize, the
automatic award, "a win transfers the winning entry") were accepted by the client when they
published the contest and by each freelancer when they entered it, and the prize was in
escrow from publishing. When a place is awarded and its prize paid, the winner and the client
get the same contract record as any other work on the platform:

- one completed contract per winning entry (``source`` contest, ``source_id`` the entry);
- terms version 1: the brief as scope, the winning entry as the deliverable, no revisions,
  the intellectual property transferred on full payment (the prize is the full payment);
- both acceptances, dated when each party accepted the rules and marked how (publishing,
  entering), with the digest of the terms;
- one milestone, the prize, approved and paid (the money moved from the contest's escrow by
  the award, net of the commission, exactly as a milestone release).

It never moves money itself: the award already did.
"""

from django.utils import timezone

from ..models import (
    ACCEPTED_REASON,
    CONTEST_AWARDED_REASON,
    AcceptedBy,
    Contract,
    ContractTerms,
    IpTransfer,
    Milestone,
    MilestoneStatus,
    Source,
    Status,
    TermsAcceptance,
)
from ..terms import MilestoneDetails, TermsDetails, terms_checked
from .common import terms_version_write
from .transitions import contract_transition, milestone_transition


def _award_terms(contest, entry, prize, today) -> TermsDetails:
    return TermsDetails(
        scope=contest.brief or contest.title,
        deadline=today,
        milestones=[MilestoneDetails(title=entry.title, amount=prize.amount)],
        deliverables=[entry.title],
        revisions=0,
        ip_transfer=IpTransfer.ON_FULL_PAYMENT,
    )


def _accepted_terms(contract: Contract, contest, entry, doc) -> ContractTerms:
    terms = terms_version_write(contract, doc, author=contest.client)
    TermsAcceptance.objects.bulk_create(
        [
            TermsAcceptance(
                terms=terms,
                party=contest.client,
                digest=terms.digest,
                by=AcceptedBy.PUBLISHING_CONTEST,
                accepted_at=contest.published_at,
            ),
            TermsAcceptance(
                terms=terms,
                party=entry.author,
                digest=terms.digest,
                by=AcceptedBy.ENTERING_CONTEST,
                accepted_at=entry.submitted_at,
            ),
        ]
    )
    return terms


def _paid_milestone(contract: Contract, contest, entry, doc, *, actor, now) -> None:
    planned = doc.milestones[0]
    milestone = Milestone.objects.create(
        contract=contract,
        position=1,
        title=planned["title"],
        amount=planned["amount"],
        currency=contract.currency,
        funded_at=contest.published_at,
        submitted_at=entry.submitted_at,
    )
    milestone_transition(milestone=milestone, to=MilestoneStatus.FUNDED, actor=contest.client)
    milestone.released_amount = milestone.amount
    milestone.closed_at = now
    milestone_transition(
        milestone=milestone, to=MilestoneStatus.RELEASED, actor=actor, reason=CONTEST_AWARDED_REASON
    )


def contract_record_contest_award(*, contest, entry, prize, actor, now=None) -> Contract:
    """Record the completed contract of a paid contest place (``entry`` won ``prize``).
    Called inside the award's transaction, with the contest locked; ``actor`` is the client
    who awarded, or None for the automatic award."""
    now = now or timezone.now()
    contract = Contract.objects.create(
        client=contest.client,
        freelancer=entry.author,
        source=Source.CONTEST,
        source_id=entry.pk,
        title=contest.title,
        currency=contest.currency,
        started_at=now,
        ended_at=now,
    )
    today = timezone.localdate(now)
    doc = terms_checked(
        _award_terms(contest, entry, prize, today), currency=contest.currency, today=today
    )
    contract.terms = _accepted_terms(contract, contest, entry, doc)
    contract_transition(contract=contract, to=Status.ACTIVE, actor=actor, reason=ACCEPTED_REASON)
    _paid_milestone(contract, contest, entry, doc, actor=actor, now=now)
    contract_transition(
        contract=contract, to=Status.COMPLETED, actor=actor, reason=CONTEST_AWARDED_REASON
    )
    return contract
