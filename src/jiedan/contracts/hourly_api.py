"""Hourly contracts in the contracts API (/api/v1/contracts): the freelancer's time entries
and timer, the week as it runs, and the weekly statements the client queries, approves and pays.

The rules are the services' (``services.hourly``, ``services.statements``). Only the two parties
see a contract's time and statements (404 for anyone else); the other party attempting a role's
action gets 403. Approving and paying move money and need an ``Idempotency-Key`` header; the
statement's own ledger keys keep it from being paid twice whatever the keys.
"""

from django.utils import timezone
from ninja import Query, Router, Status

from jiedan.core.idempotency import idempotent

from . import hourly_selectors, selectors, services
from .models import TimeEntry, WeeklyStatement
from .schemas import (
    HourlyWeekOut,
    StatementMessageIn,
    StatementOut,
    TimeEntryEditIn,
    TimeEntryIn,
    TimeEntryOut,
    TimerIn,
    WeekQuery,
)
from .services.hourly import platform_today, week_of

router = Router(tags=["hourly contracts"])

ENTRY_FIELDS = (
    "id",
    "contract_id",
    "source",
    "work_date",
    "week_start",
    "started_at",
    "minutes",
    "memo",
    "statement_id",
    "created_at",
    "updated_at",
)
STATEMENT_FIELDS = (
    "id",
    "contract_id",
    "week_start",
    "minutes",
    "hourly_rate",
    "amount",
    "currency",
    "status",
    "review_ends_at",
    "query",
    "queried_at",
    "answer",
    "answered_at",
    "billed_at",
    "created_at",
)


def _entry(entry: TimeEntry | None) -> dict | None:
    return None if entry is None else {name: getattr(entry, name) for name in ENTRY_FIELDS}


def _statement(statement: WeeklyStatement) -> dict:
    return {
        **{name: getattr(statement, name) for name in STATEMENT_FIELDS},
        "entries": [_entry(entry) for entry in statement.entries.all()],
    }


def _week(request, contract_id: int) -> dict:
    contract = selectors.contract_for_party(user=request.user, contract_id=contract_id)
    week = hourly_selectors.hourly_week(contract=contract)
    return {
        "contract_id": contract.pk,
        "week_start": week.week_start,
        "ends_at": week.ends_at,
        "hourly_rate": week.hourly_rate,
        "currency": week.currency,
        "minutes": week.minutes,
        "limit_minutes": week.limit_minutes,
        "left_minutes": week.left_minutes,
        "amount": week.amount,
        "timer": _entry(week.timer),
        "entries": [_entry(entry) for entry in week.entries],
    }


def _statement_now(request, statement_id: int) -> dict:
    return _statement(
        hourly_selectors.statement_for_party(user=request.user, statement_id=statement_id)
    )


@router.get("/{contract_id}/time-entries", response=list[TimeEntryOut])
def time_entries(request, contract_id: int, query: Query[WeekQuery]):
    """The entries of one week (Monday to Sunday, platform time); this week by default."""
    contract = selectors.contract_for_party(user=request.user, contract_id=contract_id)
    day = query.week or platform_today(timezone.now())
    entries = hourly_selectors.time_entries_of(contract=contract, week_start=week_of(day))
    return [_entry(entry) for entry in entries]


@router.post("/{contract_id}/time-entries", response={201: TimeEntryOut})
def time_entry_add(request, contract_id: int, payload: TimeEntryIn):
    """The freelancer logs time by hand on a day of this week; more than the weekly limit
    leaves is 409 ``weekly_limit_reached``, saying how much is left."""
    entry = services.time_entry_add(
        freelancer=request.user,
        contract_id=contract_id,
        work_date=payload.work_date,
        minutes=payload.minutes,
        memo=payload.memo,
    )
    return Status(201, _entry(entry))


@router.put("/time-entries/{entry_id}", response=TimeEntryOut)
def time_entry_update(request, entry_id: int, payload: TimeEntryEditIn):
    """Change an entry not on a statement yet, or reduce one on a statement the client queried."""
    entry = services.time_entry_update(
        freelancer=request.user, entry_id=entry_id, minutes=payload.minutes, memo=payload.memo
    )
    return _entry(entry)


@router.delete("/time-entries/{entry_id}", response={204: None})
def time_entry_delete(request, entry_id: int):
    services.time_entry_delete(freelancer=request.user, entry_id=entry_id)
    return Status(204, None)


@router.get("/{contract_id}/week", response=HourlyWeekOut)
def week(request, contract_id: int):
    """This week as it runs: entries, the timer, minutes logged and left, the amount so far."""
    return _week(request, contract_id)


@router.post("/{contract_id}/timer/start", response=HourlyWeekOut)
def timer_start(request, contract_id: int, payload: TimerIn):
    services.timer_start(freelancer=request.user, contract_id=contract_id, memo=payload.memo)
    return _week(request, contract_id)


@router.post("/{contract_id}/timer/stop", response=HourlyWeekOut)
def timer_stop(request, contract_id: int, payload: TimerIn | None = None):
    """Stop the timer (a memo replaces the one it started with); its minutes are capped at
    what is left of the week, and it is dropped when nothing is."""
    services.timer_stop(
        freelancer=request.user, contract_id=contract_id, memo=payload.memo if payload else ""
    )
    return _week(request, contract_id)


@router.get("/{contract_id}/statements", response=list[StatementOut])
def statements(request, contract_id: int):
    """The weekly statements, newest first, each with its entries and memos."""
    contract = selectors.contract_for_party(user=request.user, contract_id=contract_id)
    found = hourly_selectors.statements_of(contract=contract)
    return [_statement(statement) for statement in found]


@router.get("/statements/{statement_id}", response=StatementOut)
def statement_detail(request, statement_id: int):
    return _statement_now(request, statement_id)


@router.post("/statements/{statement_id}/query", response=StatementOut)
def statement_query(request, statement_id: int, payload: StatementMessageIn):
    """The client questions a statement in review, once: not billed until answered."""
    services.statement_query(
        client=request.user, statement_id=statement_id, message=payload.message
    )
    return _statement_now(request, statement_id)


@router.post("/statements/{statement_id}/answer", response=StatementOut)
def statement_answer(request, statement_id: int, payload: StatementMessageIn):
    """The freelancer answers a query: in review again, for two days at least."""
    services.statement_answer(
        freelancer=request.user, statement_id=statement_id, message=payload.message
    )
    return _statement_now(request, statement_id)


@router.post("/statements/{statement_id}/approve", response=StatementOut)
@idempotent
def statement_approve(request, statement_id: int):
    """The client approves: billed now from the wallet; with the wallet short the statement
    waits for payment (status ``unpaid``) and nothing moves."""
    services.statement_approve(client=request.user, statement_id=statement_id)
    return _statement_now(request, statement_id)


@router.post("/statements/{statement_id}/pay", response=StatementOut)
@idempotent
def statement_pay(request, statement_id: int):
    """Pay a statement waiting for payment; a wallet still short is 409
    ``wallet_insufficient`` with how much to top up."""
    services.statement_pay(client=request.user, statement_id=statement_id)
    return _statement_now(request, statement_id)
