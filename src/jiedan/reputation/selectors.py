"""Reads for reputation: the facts the recompute job judges a batch of people on, and the
stored snapshots that pages, search and the API show.

``reputation_facts`` reads a batch of users in a fixed number of queries whatever its size
(about fifteen: people, contracts, reviews, disputes, milestones, statements, earnings,
projects, conversations, their subjects and messages) and returns plain data for ``metrics``.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.catalog.models import ServiceOrder
from jiedan.contracts.models import Contract, Milestone, MilestoneStatus, WeeklyStatement
from jiedan.contracts.models import Status as ContractStatus
from jiedan.contracts.models.hourly import StatementStatus
from jiedan.core.errors import NotFound
from jiedan.core.money import money_display
from jiedan.disputes.models import Dispute
from jiedan.disputes.models import Status as DisputeStatus
from jiedan.ledger.models import PendingFunds
from jiedan.messaging.models import Conversation, MemberRole, Message, SubjectKind
from jiedan.profiles.models import ClientProfile, FreelancerProfile
from jiedan.profiles.selectors import can_view_profile
from jiedan.projects.models import Project
from jiedan.projects.models import Status as ProjectStatus
from jiedan.proposals.models import Invitation, Proposal
from jiedan.proposals.models import Status as ProposalStatus
from jiedan.reviews.models import AuthorRole, Review

from . import formulas
from .metrics import (
    DisputeOutcome,
    DueMilestone,
    EndedContract,
    FirstContact,
    PaymentItem,
    RatedWork,
    lost_by_client,
    lost_by_freelancer,
    weighted_rating,
)
from .models import ClientReputation, FreelancerReputation

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))
ENDED = (ContractStatus.COMPLETED, ContractStatus.CANCELLED)
CLOSED_MILESTONE = (MilestoneStatus.RELEASED, MilestoneStatus.REFUNDED)
PAYABLE_STATEMENT = (StatementStatus.BILLED, StatementStatus.PAYMENT_DUE)


@dataclass
class FreelancerFacts:
    user_id: int
    joined_at: datetime
    rated: list[RatedWork] = field(default_factory=list)
    ended: list[EndedContract] = field(default_factory=list)
    client_ids: list[int] = field(default_factory=list)  # one per started contract
    due: list[DueMilestone] = field(default_factory=list)
    lost_disputes_closed_at: list[datetime] = field(default_factory=list)
    earned: Decimal = Decimal(0)
    contacts: list[FirstContact] = field(default_factory=list)


@dataclass
class ClientFacts:
    user_id: int
    rated: list[RatedWork] = field(default_factory=list)
    ended_projects: int = 0
    hired_projects: int = 0
    payments: list[PaymentItem] = field(default_factory=list)
    spent: Decimal = Decimal(0)


@dataclass
class _Batch:
    """What one batch read: the rows, keyed for the assembly below."""

    contracts: dict[int, dict]
    reviews: dict[tuple[int, str], dict]  # (contract id, author role) → review
    disputes: list[dict]
    milestones: list[dict]
    statements: list[dict]


def _sum_of(queryset, column: str) -> Subquery:
    return Subquery(
        queryset.order_by().values("contract").annotate(total=Sum(column)).values("total")[:1]
    )


def _contracts(ids: list[int]) -> dict[int, dict]:
    """Started contracts of the batch on either side, with the money released on each
    (milestones plus billed weeks, in the contract's currency)."""
    released = _sum_of(Milestone.objects.filter(contract=OuterRef("pk")), "released_amount")
    billed = _sum_of(
        WeeklyStatement.objects.filter(contract=OuterRef("pk"), status=StatementStatus.BILLED),
        "amount",
    )
    queryset = (
        Contract.objects.filter(
            Q(freelancer_id__in=ids) | Q(client_id__in=ids), started_at__isnull=False
        )
        .annotate(released=Coalesce(released, ZERO), billed=Coalesce(billed, ZERO))
        .values("pk", "client_id", "freelancer_id", "status", "ended_at", "currency")
        .annotate(value=F("released") + F("billed"))
    )
    return {row["pk"]: row for row in queryset}


def _people(ids: list[int]) -> list[dict]:
    return list(
        get_user_model()
        .objects.filter(pk__in=ids)
        .annotate(
            has_freelancer_profile=Exists(FreelancerProfile.objects.filter(user=OuterRef("pk"))),
            has_client_profile=Exists(ClientProfile.objects.filter(user=OuterRef("pk"))),
        )
        .values("pk", "date_joined", "has_freelancer_profile", "has_client_profile")
    )


def _reviews(ids: list[int]) -> dict[tuple[int, str], dict]:
    """Public reviews of the batch (revealed, not hidden), by contract and author's side."""
    rows = Review.objects.filter(
        subject_id__in=ids, revealed_at__isnull=False, hidden_at__isnull=True
    ).values("contract_id", "author_role", "rating", "private_rating", "revealed_at")
    return {(row["contract_id"], row["author_role"]): row for row in rows}


def _disputes(ids: list[int]) -> list[dict]:
    """Disputes that ended with a split (settled or decided) on the batch's contracts."""
    return list(
        Dispute.objects.filter(
            Q(contract__freelancer_id__in=ids) | Q(contract__client_id__in=ids),
            status__in=(DisputeStatus.SETTLED, DisputeStatus.DECIDED),
        ).values(
            "contract_id",
            "milestone_id",
            "statement_id",
            "status",
            "opener_side",
            "amount",
            "freelancer_amount",
            "client_amount",
            "closed_at",
        )
    )


def _milestones(ids: list[int]) -> list[dict]:
    """Funded milestones of the batch's contracts, with when their work was first delivered."""
    return list(
        Milestone.objects.filter(
            Q(contract__freelancer_id__in=ids) | Q(contract__client_id__in=ids),
            funded_at__isnull=False,
        )
        .annotate(first_delivery=Min("deliveries__created_at"))
        .values(
            "pk", "contract_id", "due_date", "status", "submitted_at", "closed_at", "first_delivery"
        )
    )


def _statements(ids: list[int]) -> list[dict]:
    return list(
        WeeklyStatement.objects.filter(
            contract__client_id__in=ids, status__in=PAYABLE_STATEMENT
        ).values("pk", "contract_id", "status")
    )


def _earned(ids: list[int]) -> dict[int, Decimal]:
    """Earnings credited by the ledger (net of commission), in the band currency."""
    rows = (
        PendingFunds.objects.filter(owner_id__in=ids, currency=formulas.BAND_CURRENCY)
        .order_by()
        .values("owner_id")
        .annotate(total=Sum("amount"))
    )
    return {row["owner_id"]: row["total"] for row in rows}


def _projects(ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per client: (projects awarded or closed, those with a hired proposal)."""
    hired = Exists(Proposal.objects.filter(project=OuterRef("pk"), status=ProposalStatus.HIRED))
    rows = (
        Project.objects.filter(
            client_id__in=ids, status__in=(ProjectStatus.AWARDED, ProjectStatus.CLOSED)
        )
        .order_by()
        .values("client_id")
        .annotate(ended=Count("pk"), hired=Count("pk", filter=hired))
    )
    return {row["client_id"]: (row["ended"], row["hired"]) for row in rows}


# The model of each kind of conversation subject, and where its freelancer and client are.
SUBJECT_PARTIES = {
    SubjectKind.PROPOSAL: (Proposal, "freelancer_id", "project__client_id"),
    SubjectKind.CONTRACT: (Contract, "freelancer_id", "client_id"),
    SubjectKind.ORDER: (ServiceOrder, "seller_id", "buyer_id"),
    SubjectKind.INVITATION: (Invitation, "freelancer_id", "project__client_id"),
}


def _conversation_sides(ids: list[int], since: datetime) -> dict[int, tuple[int, int]]:
    """Conversations active since ``since`` in which someone of the batch is the freelancer:
    conversation id → (freelancer id, client id). One query, plus one per kind of subject."""
    by_kind: dict[str, dict[int, int]] = defaultdict(dict)
    for pk, kind, subject_id in Conversation.objects.filter(
        memberships__user_id__in=ids,
        memberships__role=MemberRole.PARTY,
        last_message_at__gte=since,
    ).values_list("pk", "subject_kind", "subject_id"):
        by_kind[kind][subject_id] = pk
    sides = {}
    for kind, conversations in by_kind.items():
        model, freelancer, client = SUBJECT_PARTIES[kind]
        rows = model.objects.filter(pk__in=conversations, **{f"{freelancer}__in": ids})
        for subject_id, freelancer_id, client_id in rows.values_list("pk", freelancer, client):
            sides[conversations[subject_id]] = (freelancer_id, client_id)
    return sides


def _first_contacts(ids: list[int], now: datetime) -> dict[int, list[FirstContact]]:
    """Per freelancer: in each conversation, the client's first message in the window and the
    freelancer's first message after it."""
    since = now - formulas.RESPONSE_WINDOW
    sides = _conversation_sides(ids, since)
    asked: dict[int, list] = {}
    messages = (
        Message.objects.filter(conversation_id__in=list(sides), created_at__gte=since)
        .order_by("conversation_id", "created_at", "id")
        .values_list("conversation_id", "sender_id", "created_at")
    )
    for conversation_id, sender_id, sent_at in messages:
        freelancer_id, client_id = sides[conversation_id]
        first = asked.get(conversation_id)
        if first is None and sender_id == client_id:
            asked[conversation_id] = [sent_at, None]
        elif first is not None and first[1] is None and sender_id == freelancer_id:
            first[1] = sent_at
    contacts: dict[int, list[FirstContact]] = defaultdict(list)
    for conversation_id, (asked_at, answered_at) in asked.items():
        contacts[sides[conversation_id][0]].append(FirstContact(asked_at, answered_at))
    return contacts


def _outcome(row: dict) -> DisputeOutcome:
    return DisputeOutcome(
        status=row["status"],
        opener_side=row["opener_side"],
        amount=row["amount"],
        freelancer_amount=row["freelancer_amount"],
        client_amount=row["client_amount"],
    )


def _local_date(moment: datetime | None):
    return timezone.localdate(moment) if moment else None


def _batch(ids: list[int]) -> _Batch:
    return _Batch(
        contracts=_contracts(ids),
        reviews=_reviews(ids),
        disputes=_disputes(ids),
        milestones=_milestones(ids),
        statements=_statements(ids),
    )


def _freelancer_facts(people, batch: _Batch, ids: set[int], now) -> dict[int, FreelancerFacts]:
    contracts = batch.contracts
    wanted = {p["pk"] for p in people if p["has_freelancer_profile"]}
    wanted |= {c["freelancer_id"] for c in contracts.values() if c["freelancer_id"] in ids}
    facts = {
        p["pk"]: FreelancerFacts(p["pk"], p["date_joined"]) for p in people if p["pk"] in wanted
    }
    lost_on: dict[int, bool] = defaultdict(bool)
    for row in batch.disputes:
        person = facts.get(contracts[row["contract_id"]]["freelancer_id"])
        if person and lost_by_freelancer(_outcome(row)):
            lost_on[row["contract_id"]] = True
            person.lost_disputes_closed_at.append(row["closed_at"] or now)
    for contract in contracts.values():
        person = facts.get(contract["freelancer_id"])
        if person is None:
            continue
        person.client_ids.append(contract["client_id"])
        review = batch.reviews.get((contract["pk"], AuthorRole.CLIENT), {})
        ended_at = contract["ended_at"]
        if contract["status"] in ENDED and ended_at:
            person.ended.append(
                EndedContract(
                    ended_at=ended_at,
                    completed=contract["status"] == ContractStatus.COMPLETED,
                    rating=review.get("rating"),
                    private_rating=review.get("private_rating"),
                    lost_dispute=lost_on[contract["pk"]],
                )
            )
        if review:
            when = ended_at or review["revealed_at"]
            person.rated.append(RatedWork(review["rating"], contract["value"], when))
    for row in batch.milestones:
        person = facts.get(contracts[row["contract_id"]]["freelancer_id"])
        if person and row["due_date"]:
            delivered = row["first_delivery"] or row["submitted_at"]
            person.due.append(
                DueMilestone(row["due_date"], _local_date(delivered), _local_date(row["closed_at"]))
            )
    return facts


def _client_facts(people, batch: _Batch, ids: set[int], projects) -> dict[int, ClientFacts]:
    contracts = batch.contracts
    wanted = {p["pk"] for p in people if p["has_client_profile"]} | set(projects)
    wanted |= {c["client_id"] for c in contracts.values() if c["client_id"] in ids}
    facts = {pk: ClientFacts(pk) for pk in wanted}
    lost_milestones, lost_statements = set(), set()
    for row in batch.disputes:
        if lost_by_client(_outcome(row)):
            lost_milestones.add(row["milestone_id"])
            lost_statements.add(row["statement_id"])
    for contract in contracts.values():
        person = facts.get(contract["client_id"])
        if person is None:
            continue
        if contract["currency"] == formulas.BAND_CURRENCY:
            person.spent += contract["value"]
        if review := batch.reviews.get((contract["pk"], AuthorRole.FREELANCER)):
            when = contract["ended_at"] or review["revealed_at"]
            person.rated.append(RatedWork(review["rating"], contract["value"], when))
    for row in batch.milestones:
        person = facts.get(contracts[row["contract_id"]]["client_id"])
        if person and row["status"] in CLOSED_MILESTONE:
            person.payments.append(PaymentItem(lost_by_client=row["pk"] in lost_milestones))
    for row in batch.statements:
        person = facts[contracts[row["contract_id"]]["client_id"]]
        person.payments.append(
            PaymentItem(
                lost_by_client=row["pk"] in lost_statements,
                waiting_for_payment=row["status"] == StatementStatus.PAYMENT_DUE,
            )
        )
    for client_id, (ended, hired) in projects.items():
        facts[client_id].ended_projects, facts[client_id].hired_projects = ended, hired
    return facts


def reputation_facts(
    *, user_ids, now: datetime
) -> tuple[dict[int, FreelancerFacts], dict[int, ClientFacts]]:
    """The facts about a batch of people, as freelancers (those with a freelancer profile or a
    contract as the freelancer) and as clients (a client profile, a contract as the client or
    a project awarded or closed), in a fixed number of queries."""
    ids = sorted(set(user_ids))
    people = _people(ids)
    batch = _batch(ids)
    freelancers = _freelancer_facts(people, batch, set(ids), now)
    for owner_id, total in _earned(list(freelancers)).items():
        freelancers[owner_id].earned = total
    for freelancer_id, contacts in _first_contacts(list(freelancers), now).items():
        freelancers[freelancer_id].contacts = contacts
    clients = _client_facts(people, batch, set(ids), _projects(ids))
    return freelancers, clients


# --- reads for pages, search and the API --------------------------------------------------------


def freelancer_reputation_of(*, user_id: int) -> FreelancerReputation | None:
    return FreelancerReputation.objects.filter(user_id=user_id).first()


def client_reputation_of(*, user_id: int) -> ClientReputation | None:
    return ClientReputation.objects.filter(user_id=user_id).first()


@dataclass(frozen=True)
class PublicReputation:
    user_id: int
    freelancer: FreelancerReputation | None
    client: ClientReputation | None


def public_reputation(*, user_id: int, viewer) -> PublicReputation:
    """A person's public figures: as a freelancer only when the viewer may see their freelancer
    profile (or they have none), as a client always. ``NotFound`` for an unknown or
    deactivated account, or when there is nothing the viewer may see."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound(_("No such person."), code="person_not_found")
    profile = FreelancerProfile.objects.filter(user=user).first()
    freelancer = None
    if profile is None or can_view_profile(profile, viewer):
        freelancer = freelancer_reputation_of(user_id=user_id)
    client = client_reputation_of(user_id=user_id)
    if freelancer is None and client is None:
        raise NotFound(_("No reputation figures yet."), code="reputation_not_found")
    return PublicReputation(user_id=user_id, freelancer=freelancer, client=client)


def published_formulas(*, now: datetime | None = None) -> dict:
    """Everything the public help page states, from ``formulas`` (and one worked example
    computed by ``metrics``), so the page cannot say anything the job does not do."""
    now = now or timezone.now()
    value = Decimal(1000)
    half_life = timedelta(days=formulas.RATING_HALF_LIFE_DAYS)
    example = [RatedWork(5, value, now), RatedWork(3, value, now - half_life)]
    return {
        "half_life_days": formulas.RATING_HALF_LIFE_DAYS,
        "example_value": money_display(value, formulas.BAND_CURRENCY),
        "example_rating": weighted_rating(example, now=now),
        "jss_window_days": formulas.JSS_WINDOW.days,
        "jss_min_contracts": formulas.JSS_MIN_CONTRACTS,
        "jss_private_rating": formulas.JSS_GOOD_PRIVATE_RATING,
        "jss_rating": formulas.JSS_GOOD_RATING,
        "dispute_percent": int(formulas.DISPUTE_LOST_BELOW * 100),
        "response_days": formulas.RESPONSE_WINDOW.days,
        "response_grace_hours": int(formulas.RESPONSE_GRACE.total_seconds() // 3600),
        "band_currency": formulas.BAND_CURRENCY,
        "bands": [formulas.band_label(index) for index in range(len(formulas.BAND_FLOORS))],
        "levels": [
            (formulas.level_label(level), [formulas.criterion_text(c) for c in codes])
            for level, codes in formulas.LEVEL_CRITERIA.items()
        ],
        "badges": [
            (str(badge.label), [formulas.criterion_text(c) for c in codes])
            for badge, codes in formulas.BADGE_CRITERIA.items()
        ],
    }


# What the API may show of a snapshot, besides labels (never the lost-dispute count).
PUBLIC_FREELANCER_FIELDS = (
    "level",
    "rating",
    "rating_count",
    "job_success",
    "completed_contracts",
    "ended_contracts",
    "completion_rate",
    "on_time_rate",
    "response_hours",
    "repeat_client_rate",
    "earned_band",
    "computed_at",
)
PUBLIC_CLIENT_FIELDS = (
    "rating",
    "rating_count",
    "hire_rate",
    "ended_projects",
    "payment_record",
    "payment_count",
    "spent_band",
    "computed_at",
)
