"""Weekly statements of hourly contracts: closing each week, the client's review, billing.

Rules:

- A week closes once it has ended (Monday midnight, platform time). The periodic job
  (``statements_close_and_bill``) stops a timer still running from that week (capped like any
  stop) and makes one statement per contract and week with the week's entries: their minutes
  at the hourly rate of the terms in force, amount = rate × minutes / 60 rounded to the cent.
  The last week of an ended contract closes and bills too.
- The client reviews a statement, with its entries and memos, until ``review_ends_at``: the
  week's end plus ``JIEDAN_HOURLY_REVIEW_DAYS``. Then it is billed.
- Query: the client may query a statement once while it is in review, with a message; it is
  not billed meanwhile. The freelancer may reduce or delete its entries (the amount is
  recomputed, never more) and answers with a message: back in review, billed at the later of
  the original review end and ``ANSWER_REVIEW`` after the answer. Further disagreement is for
  a dispute (``jiedan.disputes``), not for another query; a week in dispute is not billed by
  the job, the dispute bills it.
- Approve: the client approves a statement in review or queried at any time: billed now.
- Billing: inside one savepoint the amount is held from the client's wallet in the escrow
  ``statement:<id>`` and released to the freelancer (commission and hold period as for
  milestones). The ledger keys are derived from the statement (``statement:<id>:hold``,
  ``:release``), and the contract then the statement are locked first, so a statement is paid
  at most once whatever races it. A zero amount is billed with no money.
- A short wallet moves nothing: the statement waits for the client's payment (``PAYMENT_DUE``),
  the client is told, the job retries it every run, and the client may pay at once after
  topping up.
"""

from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput, NotFound
from jiedan.escrow.services import escrow_hold, escrow_release

from .. import locks
from ..models import QUERY_MAX_LENGTH, Contract, StatementStatus, TimeEntry, WeeklyStatement
from .common import CLIENT, FREELANCER, locked_contract, notify
from .hourly import platform_today, statement_amount, stop_timer, week_ends_at, week_of

ANSWER_REVIEW = timedelta(days=2)
STATEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    StatementStatus.REVIEW: frozenset(
        {
            StatementStatus.QUERIED,
            StatementStatus.BILLED,
            StatementStatus.PAYMENT_DUE,
            StatementStatus.DISPUTED,
        }
    ),
    StatementStatus.QUERIED: frozenset(
        {
            StatementStatus.REVIEW,
            StatementStatus.BILLED,
            StatementStatus.PAYMENT_DUE,
            StatementStatus.DISPUTED,
        }
    ),
    StatementStatus.PAYMENT_DUE: frozenset({StatementStatus.BILLED, StatementStatus.DISPUTED}),
    StatementStatus.BILLED: frozenset(),
    # A dispute (``jiedan.disputes``) ends billed, or withdrawn: back to where the week was.
    StatementStatus.DISPUTED: frozenset(
        {
            StatementStatus.BILLED,
            StatementStatus.REVIEW,
            StatementStatus.QUERIED,
            StatementStatus.PAYMENT_DUE,
        }
    ),
}


class HourlyRun(NamedTuple):
    closed: int
    billed: int


def review_time() -> timedelta:
    return timedelta(days=settings.JIEDAN_HOURLY_REVIEW_DAYS)


def _require(statement: WeeklyStatement, *statuses) -> None:
    if statement.status not in statuses:
        raise Conflict(
            _("This statement is %(status)s.") % {"status": statement.get_status_display().lower()},
            code="statement_state",
        )


def _move(statement: WeeklyStatement, to: str) -> None:
    if to not in STATEMENT_TRANSITIONS[statement.status]:
        raise Conflict(_("This statement cannot change like this."), code="statement_state")
    statement.status = to
    statement.save()


def statement_transition(*, statement: WeeklyStatement, to: str) -> WeeklyStatement:
    """Move a statement along ``STATEMENT_TRANSITIONS`` (for the disputes app, which locks the
    contract and the statement first); an illegal move is a ``Conflict``."""
    _move(statement, to)
    return statement


def _message(message: str) -> str:
    message = (message or "").strip()
    if not message:
        raise InvalidInput(_("Write a message."), code="message_missing")
    if len(message) > QUERY_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the message under %(max)s characters.") % {"max": QUERY_MAX_LENGTH},
            code="message_too_long",
        )
    return message


def _locked_statement(actor, statement_id: int, *, role: str):
    contract_id = (
        WeeklyStatement.objects.filter(pk=statement_id)
        .values_list("contract_id", flat=True)
        .first()
    )
    if contract_id is None:
        raise NotFound(_("No such statement."), code="statement_not_found")
    contract = locked_contract(actor, contract_id, role=role)
    return contract, locks.statements().get(pk=statement_id)


# --- closing a week -------------------------------------------------------------------------


@transaction.atomic
def statement_close(*, contract_id: int, week_start, now=None) -> WeeklyStatement | None:
    """Close an ended week of a contract; None when it is not over, already closed or empty."""
    now = now or timezone.now()
    if week_ends_at(week_start) > now:
        return None
    contract = locks.contracts().select_related("terms").get(pk=contract_id)
    if WeeklyStatement.objects.filter(contract=contract, week_start=week_start).exists():
        return None
    week = TimeEntry.objects.filter(contract=contract, week_start=week_start)
    timer = locks.time_entries().filter(pk__in=week.filter(minutes__isnull=True)).first()
    if timer is not None:
        stop_timer(contract, timer, now=now)
    entries = list(locks.time_entries().filter(pk__in=week.filter(statement__isnull=True)))
    if not entries:
        return None
    minutes = sum(entry.minutes for entry in entries)
    rate = contract.terms.hourly_rate
    statement = WeeklyStatement.objects.create(
        contract=contract,
        week_start=week_start,
        minutes=minutes,
        hourly_rate=rate,
        amount=statement_amount(rate, minutes, contract.currency),
        currency=contract.currency,
        review_ends_at=week_ends_at(week_start) + review_time(),
    )
    TimeEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(statement=statement)
    notify(contract, actor=None, event="statement.closed", statement_id=statement.pk)
    return statement


# --- billing --------------------------------------------------------------------------------


def _charge(contract: Contract, statement: WeeklyStatement, *, actor, now) -> Conflict | None:
    """Hold and release the amount in one savepoint: billed, or the wallet's shortfall (then
    nothing moved and the statement waits for payment)."""
    if statement.amount:
        reference = statement.escrow_reference
        memo = f"contract {contract.pk}, week of {statement.week_start.isoformat()}"
        try:
            with transaction.atomic():
                escrow_hold(
                    reference=reference,
                    payer=contract.client,
                    amount=statement.amount,
                    currency=statement.currency,
                    idempotency_key=f"{reference}:hold",
                    memo=memo,
                )
                escrow_release(
                    reference=reference,
                    payee=contract.freelancer,
                    amount=statement.amount,
                    currency=statement.currency,
                    idempotency_key=f"{reference}:release",
                    memo=memo,
                    actor=actor,
                    now=now,
                )
        except Conflict as error:
            if error.code != "wallet_insufficient":
                raise
            if statement.status != StatementStatus.PAYMENT_DUE:
                _move(statement, StatementStatus.PAYMENT_DUE)
                notify(
                    contract,
                    actor=contract.freelancer,
                    event="statement.payment_due",
                    statement_id=statement.pk,
                )
            return error
    statement.billed_at = now
    _move(statement, StatementStatus.BILLED)
    notify(contract, actor=None, event="statement.billed", statement_id=statement.pk)
    return None


@transaction.atomic
def statement_bill_due(*, statement_id: int, now=None) -> bool:
    """Bill a statement whose review is over, or retry one waiting for payment (the job).
    Re-checked under the locks; True when it was billed now."""
    now = now or timezone.now()
    contract_id = (
        WeeklyStatement.objects.filter(pk=statement_id)
        .values_list("contract_id", flat=True)
        .first()
    )
    if contract_id is None:
        return False
    contract = locks.contracts().get(pk=contract_id)
    statement = locks.statements().get(pk=statement_id)
    due = statement.status == StatementStatus.PAYMENT_DUE or (
        statement.status == StatementStatus.REVIEW and statement.review_ends_at <= now
    )
    return due and _charge(contract, statement, actor=None, now=now) is None


def statements_close_and_bill(*, now=None, limit: int = 500) -> HourlyRun:
    """The periodic job: close every ended week with time not on a statement yet, then bill
    every statement due (review over, or waiting for payment)."""
    now = now or timezone.now()
    this_week = week_of(platform_today(now))
    weeks = (
        TimeEntry.objects.filter(statement__isnull=True, week_start__lt=this_week)
        .values_list("contract_id", "week_start")
        .order_by("week_start", "contract_id")
        .distinct()
    )
    closed = sum(
        statement_close(contract_id=contract_id, week_start=week_start, now=now) is not None
        for contract_id, week_start in list(weeks[:limit])
    )
    due = WeeklyStatement.objects.filter(
        Q(status=StatementStatus.REVIEW, review_ends_at__lte=now)
        | Q(status=StatementStatus.PAYMENT_DUE)
    ).order_by("review_ends_at", "pk")
    billed = sum(
        statement_bill_due(statement_id=pk, now=now)
        for pk in list(due.values_list("pk", flat=True)[:limit])
    )
    return HourlyRun(closed=closed, billed=billed)


# --- the client's review ----------------------------------------------------------------------


@transaction.atomic
def statement_query(*, client, statement_id: int, message: str, now=None) -> WeeklyStatement:
    """The client questions a statement in review (once): it is not billed until answered."""
    now = now or timezone.now()
    message = _message(message)
    contract, statement = _locked_statement(client, statement_id, role=CLIENT)
    _require(statement, StatementStatus.REVIEW)
    if statement.queried_at is not None:
        raise Conflict(
            _("You already queried this statement; a dispute settles further disagreement."),
            code="statement_queried_once",
        )
    if statement.review_ends_at <= now:
        raise Conflict(_("The review of this statement is over."), code="review_over")
    statement.query, statement.queried_at = message, now
    _move(statement, StatementStatus.QUERIED)
    notify(contract, actor=client, event="statement.queried", statement_id=statement.pk)
    return statement


@transaction.atomic
def statement_answer(*, freelancer, statement_id: int, message: str, now=None) -> WeeklyStatement:
    """The freelancer answers the client's query: back in review, for at least two days."""
    now = now or timezone.now()
    message = _message(message)
    contract, statement = _locked_statement(freelancer, statement_id, role=FREELANCER)
    _require(statement, StatementStatus.QUERIED)
    statement.answer, statement.answered_at = message, now
    statement.review_ends_at = max(statement.review_ends_at, now + ANSWER_REVIEW)
    _move(statement, StatementStatus.REVIEW)
    notify(contract, actor=freelancer, event="statement.answered", statement_id=statement.pk)
    return statement


@transaction.atomic
def statement_approve(*, client, statement_id: int, now=None) -> WeeklyStatement:
    """The client approves a statement in review or queried: billed now, or waiting for
    payment when the wallet is short."""
    now = now or timezone.now()
    contract, statement = _locked_statement(client, statement_id, role=CLIENT)
    _require(statement, StatementStatus.REVIEW, StatementStatus.QUERIED)
    _charge(contract, statement, actor=client, now=now)
    return statement


@transaction.atomic
def statement_pay(*, client, statement_id: int, now=None) -> WeeklyStatement:
    """The client pays a statement waiting for payment; a wallet still short is
    ``wallet_insufficient`` and nothing changes."""
    now = now or timezone.now()
    contract, statement = _locked_statement(client, statement_id, role=CLIENT)
    _require(statement, StatementStatus.PAYMENT_DUE)
    if short := _charge(contract, statement, actor=client, now=now):
        raise short
    return statement
