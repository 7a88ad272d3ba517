"""Removing generated data: every row that belongs to an account under ``GENERATED_DOMAIN``
and nothing else.

Children go before parents, each kind of row in a few bulk deletes. The ledger is
append-only for the services (on PostgreSQL a trigger refuses deletes of journals and
entries); generated journals are synthetic, so the wipe switches that trigger off for its
own transaction and removes them. Entries the generated journals made in shared platform
accounts (fees, gateway clearing) are taken back out of those accounts' balances, so the
books still balance afterwards; a platform account left without any entry goes too.
"""

from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q, Sum

from jiedan.contracts.models import (
    Cancellation,
    ChangeRequest,
    Contract,
    ContractTerms,
    Delivery,
    DeliveryFile,
    Milestone,
    TermsAcceptance,
    TimeEntry,
    WeeklyStatement,
)
from jiedan.ledger.models import PLATFORM_PURPOSES, Account, Entry, Journal, PendingFunds
from jiedan.matching.models import Embedding
from jiedan.messaging.models import Conversation, SafetyFlag
from jiedan.payments.models import SandboxOperation, StatusChange, TopUp, WebhookEvent
from jiedan.profiles.models import SEARCH_KIND as FREELANCER_KIND
from jiedan.projects.models import SEARCH_KIND as PROJECT_KIND
from jiedan.projects.models import Project
from jiedan.reviews.models import Review, ReviewReminder, ReviewReport
from jiedan.search.models import SearchDocument

from .people import generated_users

APPEND_ONLY = ("ledger_journal", "ledger_entry")
CHUNK = 5000  # ids per DELETE (SQLite limits the parameters of one statement)


@contextmanager
def _ledger_deletable():
    """Let this transaction delete journals and entries (PostgreSQL's append-only triggers,
    migration ledger 0002, are off until it ends)."""
    if connection.vendor != "postgresql":
        yield
        return
    # A table cannot be altered while checks of its rows wait for the end of the transaction
    # (foreign keys are deferred): run the waiting checks now, and each one at once meanwhile.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in APPEND_ONLY:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
    yield
    with connection.cursor() as cursor:
        for table in APPEND_ONLY:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _removed(counts: dict, label: str, queryset) -> None:
    deleted, _by_model = queryset.delete()
    counts[label] += deleted


@transaction.atomic
def generated_wipe() -> dict[str, int]:
    """Delete every generated row; returns how many rows of each kind went."""
    counts: dict[str, int] = defaultdict(int)
    users = generated_users().values("pk")
    contracts = Contract.objects.filter(Q(client__in=users) | Q(freelancer__in=users))
    contract_ids = contracts.values("pk")
    projects = Project.objects.filter(client__in=users).values("pk")
    _search_and_vectors(counts, users, projects)
    _reviews_and_messages(counts, users, contract_ids)
    with _ledger_deletable():
        _money(counts, users)
    _contracts(counts, contracts, contract_ids)
    _removed(counts, "people, profiles, projects and proposals", generated_users())
    return dict(counts)


def _search_and_vectors(counts, users, projects) -> None:
    for model in (SearchDocument, Embedding):
        _removed(
            counts,
            "search index",
            model.objects.filter(
                Q(kind=FREELANCER_KIND, object_id__in=users)
                | Q(kind=PROJECT_KIND, object_id__in=projects)
            ),
        )


def _reviews_and_messages(counts, users, contract_ids) -> None:
    reviews = Review.objects.filter(contract__in=contract_ids)
    _removed(counts, "reviews", ReviewReport.objects.filter(review__in=reviews.values("pk")))
    _removed(counts, "reviews", reviews)
    _removed(counts, "reviews", ReviewReminder.objects.filter(contract__in=contract_ids))
    conversations = Conversation.objects.filter(memberships__user__in=users).values("pk")
    _removed(
        counts,
        "messages",
        SafetyFlag.objects.filter(
            Q(message__conversation__in=conversations) | Q(subject_user__in=users)
        ),
    )
    _removed(counts, "messages", Conversation.objects.filter(pk__in=conversations))


def _money(counts, users) -> None:
    accounts = Account.objects.filter(Q(owner__in=users) | Q(funded_by__in=users))
    journals = list(
        Journal.objects.filter(entries__account__in=accounts.values("pk"))
        .values_list("pk", flat=True)
        .distinct()
    )
    shared = (
        Entry.objects.filter(journal__in=_journals_of(accounts))
        .exclude(account__in=accounts.values("pk"))
        .values("account_id")
        .annotate(total=Sum("amount"))
    )
    for row in shared:
        Account.objects.filter(pk=row["account_id"]).update(
            balance=F("balance") - (row["total"] or Decimal(0))
        )
    top_ups = TopUp.objects.filter(user__in=users)
    references = [f"{TopUp.REFERENCE_PREFIX}_{pk}" for pk in top_ups.values_list("pk", flat=True)]
    _removed(counts, "ledger and payments", PendingFunds.objects.filter(owner__in=users))
    _removed(counts, "ledger and payments", StatusChange.objects.filter(top_up__in=top_ups))
    for chunk in _chunks(references):
        _removed(counts, "ledger and payments", WebhookEvent.objects.filter(reference__in=chunk))
        _removed(
            counts, "ledger and payments", SandboxOperation.objects.filter(reference__in=chunk)
        )
    _removed(counts, "ledger and payments", top_ups)
    for chunk in _chunks(journals):
        _removed(counts, "ledger and payments", Entry.objects.filter(journal__in=chunk))
        _removed(counts, "ledger and payments", Journal.objects.filter(pk__in=chunk))
    _removed(counts, "ledger and payments", accounts)
    _removed(
        counts,
        "ledger and payments",
        Account.objects.filter(owner=None, reference="", purpose__in=PLATFORM_PURPOSES)
        .filter(entries__isnull=True)
        .filter(balance=0),
    )


def _journals_of(accounts):
    """The journals with an entry in one of ``accounts`` (a subquery)."""
    return Entry.objects.filter(account__in=accounts.values("pk")).values("journal_id")


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _contracts(counts, contracts, contract_ids) -> None:
    milestones = Milestone.objects.filter(contract__in=contract_ids)
    deliveries = Delivery.objects.filter(milestone__in=milestones.values("pk"))
    label = "contracts"
    _removed(counts, label, DeliveryFile.objects.filter(delivery__in=deliveries.values("pk")))
    _removed(counts, label, deliveries)
    _removed(counts, label, milestones)
    _removed(counts, label, TimeEntry.objects.filter(contract__in=contract_ids))
    _removed(counts, label, WeeklyStatement.objects.filter(contract__in=contract_ids))
    _removed(counts, label, Cancellation.objects.filter(contract__in=contract_ids))
    _removed(counts, label, ChangeRequest.objects.filter(contract__in=contract_ids))
    terms = ContractTerms.objects.filter(contract__in=contract_ids)
    _removed(counts, label, TermsAcceptance.objects.filter(terms__in=terms.values("pk")))
    contracts.update(terms=None)
    _removed(counts, label, terms)
    _removed(counts, label, Contract.objects.filter(pk__in=contract_ids))
