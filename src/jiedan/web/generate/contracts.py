"""The life of a generated contract, from the offer on a hired proposal to the reviews.

Each step leaves the rows the contract services leave: terms fingerprinted by
``contracts.terms.terms_digest`` and accepted by both parties; status histories with the
system reasons; milestones funded, delivered (``Delivery`` fingerprinted as
``milestone_submit`` does), sent back for changes, approved or approved automatically, and
the reminder before that; agreed cancellations that pay part of the escrow and refund the
rest; weekly statements of hourly contracts, billed after the client's review; the
conversation of the two parties; the double-blind reviews, revealed when both are in or when
the window closes, and the reminders before it closes. Money moves are handed to the
``Ledger`` with the keys and memos the services use.

A step that would happen after ``Run.now`` does not happen: the contract stays where it was.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from random import Random

from jiedan.contracts.models import (
    ACCEPTED_REASON,
    Contract,
    ContractStatusChange,
    ContractTerms,
    DelayPolicy,
    IpTransfer,
    Kind,
    Status,
    TermsAcceptance,
)
from jiedan.contracts.terms import MILESTONE_TEMPLATES, terms_digest
from jiedan.ledger.fees import shares_split

from . import texts
from .hourly import HourlySteps
from .messages import ConversationStep
from .milestones import FixedPriceSteps, PlannedMilestone
from .money import Ledger
from .plan import Run, minutes
from .reviews import reviews_write
from .writer import record

TEST_NET = "203.0.113."  # documentation addresses (RFC 5737) for the acceptances
WEEKLY_LIMITS = [10, 20, 20, 30, 40]
DELAY_POLICIES, IP_TRANSFERS = list(DelayPolicy.values), list(IpTransfer.values)


@dataclass
class Hire:
    """A hired proposal, with what a contract offer on it starts from."""

    project_title: str
    description: str
    lang: str
    currency: str
    hourly: bool
    client: object  # people.Client
    freelancer: object  # people.Freelancer
    proposal_id: int
    amount: Decimal
    delivery_days: int
    plan: list[tuple[str, Decimal, int]]  # the proposal's milestones: title, amount, days
    hired_at: datetime


@dataclass
class Outcome:
    """How the contract stands at ``now``."""

    status: str
    ended_at: datetime | None = None


class ContractStory(FixedPriceSteps, HourlySteps, ConversationStep):
    """One contract's life (see the module docstring); ``tell`` writes it."""

    def __init__(self, run: Run, ledger: Ledger, hire: Hire, rng: Random):
        self.run, self.ledger, self.hire, self.rng = run, ledger, hire, rng
        self.client, self.freelancer = hire.client.id, hire.freelancer.id
        self.id = run.ids.take(Contract)
        self.rows: list = []  # written after the contract, in order
        self.changes: list[ContractStatusChange] = []
        self.milestones: list[PlannedMilestone] = []
        self.statements_billed = self.time_logged = False

    # --- offer and acceptance -------------------------------------------------------------

    def tell(self) -> Outcome | None:
        """Write the contract and everything after it; None when it was never offered."""
        hire, rng, now = self.hire, self.rng, self.run.now
        offered = hire.hired_at + minutes(rng, 10, 1440)
        if offered >= now:
            return None
        terms = self._terms(offered)
        self.run.parties.update((self.client, self.freelancer))
        contract = record(
            Contract,
            id=self.id,
            client_id=self.client,
            freelancer_id=self.freelancer,
            source="proposal",
            source_id=hire.proposal_id,
            kind=terms.kind,
            title=hire.project_title[:200],
            currency=hire.currency,
            status=Status.OFFERED,
            terms_id=terms.id,
            created_at=offered,
            updated_at=offered,
        )
        acceptances = [self._acceptance(terms, self.client, offered)]
        answered = offered + minutes(rng, 10, 2 * 1440)
        outcome = Outcome(Status.OFFERED)
        if answered < now and rng.random() < 0.04:
            outcome = self._move(contract, Status.DECLINED, self.freelancer, "", answered)
            contract.ended_at = answered
        elif answered < now:
            acceptances.append(self._acceptance(terms, self.freelancer, answered))
            contract.started_at = answered
            outcome = self._move(
                contract, Status.ACTIVE, self.freelancer, ACCEPTED_REASON, answered
            )
            if terms.kind == Kind.HOURLY:
                outcome = self._hourly(contract, terms, answered) or outcome
            else:
                outcome = self._fixed(contract, terms, answered) or outcome
            self._conversation(contract, answered, contract.ended_at)
        self.run.out.add(contract, terms, *acceptances, *self.changes, *self.rows)
        if contract.ended_at and self._paid():
            reviews_write(self.run, self.rng, contract, self.hire.lang)
        return outcome

    def _terms(self, offered: datetime) -> ContractTerms:
        """The first version, as the client's offer form prefills it from the proposal."""
        hire, rng = self.hire, self.rng
        today = self.run.local_date(offered)
        terms = record(
            ContractTerms,
            id=self.run.ids.take(ContractTerms),
            contract_id=self.id,
            version=1,
            scope=hire.description[:10000],
            deliverables=rng.sample(texts.DELIVERABLES[hire.lang], rng.randint(0, 2)),
            revisions=rng.choices([1, 2, 3], cum_weights=[15, 75, 100])[0],
            delay_policy=rng.choices(DELAY_POLICIES, cum_weights=[80, 100])[0],
            ip_transfer=rng.choices(IP_TRANSFERS, cum_weights=[75, 90, 100])[0],
            currency=hire.currency,
            created_by_id=self.client,
            created_at=offered,
        )
        if hire.hourly:
            terms.kind, terms.milestones, terms.total = Kind.HOURLY, [], Decimal(0)
            terms.hourly_rate, terms.weekly_limit = hire.amount, rng.choice(WEEKLY_LIMITS)
            terms.deadline = today + timedelta(days=hire.delivery_days)
        else:
            plan = self._plan(today)
            terms.kind = Kind.FIXED
            terms.milestones = [
                {"title": title, "amount": str(amount), "due_date": due.isoformat()}
                for title, amount, due in plan
            ]
            terms.total = sum((amount for _title, amount, _due in plan), Decimal(0))
            terms.deadline = max(today + timedelta(days=hire.delivery_days), plan[-1][2])
        terms.digest = terms_digest(
            contract_id=self.id, version=1, parties=(self.client, self.freelancer), doc=terms
        )
        return terms

    def _plan(self, today: date) -> list[tuple[str, Decimal, date]]:
        """The proposal's milestones, or the price split by one of the templates."""
        hire, rng = self.hire, self.rng
        if hire.plan:
            return [(t, a, today + timedelta(days=d)) for t, a, d in hire.plan]
        template = rng.choices(["100", "50-50", "30-30-40"], weights=[45, 35, 20])[0]
        parts, remainder = shares_split(
            hire.amount, hire.currency, list(MILESTONE_TEMPLATES[template])
        )
        parts[-1] += remainder
        pool = texts.MILESTONES[hire.lang]
        titles = [pool[i] for i in sorted(rng.sample(range(len(pool)), len(parts)))]
        if len(parts) == 1:
            titles = [hire.project_title[:200]]
        step = max(1, hire.delivery_days // len(parts))
        return [
            (title, part, today + timedelta(days=step * (index + 1)))
            for index, (title, part) in enumerate(zip(titles, parts, strict=True))
        ]

    def _acceptance(self, terms: ContractTerms, party: int, at: datetime) -> TermsAcceptance:
        return record(
            TermsAcceptance,
            id=self.run.ids.take(TermsAcceptance),
            terms_id=terms.id,
            party_id=party,
            digest=terms.digest,
            ip_address=f"{TEST_NET}{self.rng.randint(1, 254)}",
            accepted_at=at,
        )

    def _move(self, contract: Contract, to: str, actor, reason: str, at: datetime) -> Outcome:
        self.changes.append(
            record(
                ContractStatusChange,
                id=self.run.ids.take(ContractStatusChange),
                contract_id=self.id,
                actor_id=actor,
                from_status=contract.status,
                to_status=to,
                reason=reason,
                created_at=at,
            )
        )
        contract.status, contract.updated_at = to, at
        return Outcome(to, contract.ended_at)

    def _end(self, contract: Contract, actor, reason: str, at: datetime) -> Outcome:
        """Completed when the freelancer was paid something (or logged time), else cancelled."""
        contract.ended_at = at
        paid = self._paid() or self.time_logged
        return self._move(
            contract, Status.COMPLETED if paid else Status.CANCELLED, actor, reason, at
        )

    def _paid(self) -> bool:
        return self.statements_billed or any(m.row.released_amount > 0 for m in self.milestones)
