"""Time on hourly contracts: the freelancer's timer and the entries written by hand.

Rules:

- Only the freelancer of an active hourly contract logs time; a stranger gets "not found", the
  client "permission denied", and nothing changes.
- Weeks start on Monday in the platform's time zone (``TIME_ZONE``); an entry belongs to the
  week of its day.
- Timer: the freelancer starts it with a memo and stops it (the memo may be updated then); at
  most one runs per contract. It counts the whole minutes it ran (at least one), at most a day
  (1440) and at most what is left of the weekly limit in the week it started; a timer stopped
  with nothing left in its week is dropped.
- By hand: a day of the current week, not in the future, 1 to 1440 minutes and a memo.
- Weekly limit: a week's entries add up to at most the terms' weekly limit (hours × 60 minutes).
  More is refused, saying how much is left; a timer does not start with nothing left.
- The freelancer edits (minutes, memo) or deletes entries not on a weekly statement yet while
  the contract is active or paused. An entry on a statement changes only while the client's
  query of it is open, and only downward: fewer minutes, or deleted (the statement's amount is
  recomputed, see ``statements``).
- Pausing or ending the contract stops a running timer.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput, NotFound
from jiedan.core.money import money_quantize

from .. import locks
from ..models import (
    MEMO_MAX_LENGTH,
    MINUTES_A_DAY,
    Contract,
    EntrySource,
    Kind,
    StatementStatus,
    Status,
    TimeEntry,
    WeeklyStatement,
)
from .common import FREELANCER, locked_contract

WEEK = timedelta(days=7)
EDITABLE = (Status.ACTIVE, Status.PAUSED)


# --- weeks ----------------------------------------------------------------------------------


def platform_today(now: datetime) -> date:
    return timezone.localdate(now, timezone.get_default_timezone())


def week_of(day: date) -> date:
    """The Monday starting the week of ``day``."""
    return day - timedelta(days=day.weekday())


def week_ends_at(week_start: date) -> datetime:
    """The moment the week ends: the next Monday at midnight, platform time."""
    return datetime.combine(week_start + WEEK, time.min, tzinfo=timezone.get_default_timezone())


def duration_display(minutes: int) -> str:
    return _("%(hours)s h %(minutes)s min") % {
        "hours": minutes // 60,
        "minutes": f"{minutes % 60:02d}",
    }


def statement_amount(rate, minutes: int, currency: str):
    """What ``minutes`` cost at the hourly ``rate``, rounded to the currency's unit."""
    return money_quantize(rate * minutes / 60, currency)


def week_minutes(contract: Contract, week_start: date, *, exclude: int | None = None) -> int:
    """Minutes of the stopped entries of the week (a running timer counts when it stops)."""
    entries = TimeEntry.objects.filter(
        contract=contract, week_start=week_start, minutes__isnull=False
    )
    if exclude is not None:
        entries = entries.exclude(pk=exclude)
    return entries.aggregate(total=Sum("minutes"))["total"] or 0


def minutes_left(contract: Contract, week_start: date, *, exclude: int | None = None) -> int:
    limit = contract.terms.weekly_limit * 60
    return max(limit - week_minutes(contract, week_start, exclude=exclude), 0)


# --- checks ---------------------------------------------------------------------------------


def _memo(memo) -> str:
    memo = (memo or "").strip()
    if not memo:
        raise InvalidInput(_("Say what you worked on."), code="memo_missing")
    if len(memo) > MEMO_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the memo under %(max)s characters.") % {"max": MEMO_MAX_LENGTH},
            code="memo_too_long",
        )
    return memo


def _minutes(value) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        minutes = 0
    if not 1 <= minutes <= MINUTES_A_DAY:
        raise InvalidInput(
            _("Enter from 1 to %(max)s minutes.") % {"max": MINUTES_A_DAY}, code="minutes"
        )
    return minutes


def _within_limit(contract: Contract, week_start: date, minutes: int, *, exclude=None) -> None:
    left = minutes_left(contract, week_start, exclude=exclude)
    if minutes <= left:
        return
    hours = contract.terms.weekly_limit
    if left == 0:
        message = _("The weekly limit of %(hours)s hours is reached: no time is left this week.")
    else:
        message = _("This passes the weekly limit of %(hours)s hours: only %(left)s is left.")
    raise Conflict(
        message % {"hours": hours, "left": duration_display(left)}, code="weekly_limit_reached"
    )


def _locked_hourly(freelancer, contract_id: int) -> Contract:
    contract = locked_contract(freelancer, contract_id, role=FREELANCER)
    if contract.kind != Kind.HOURLY:
        raise Conflict(
            _("This contract is paid by milestones, not by the hour."), code="not_hourly"
        )
    return contract


def _require_active(contract: Contract) -> None:
    if contract.status != Status.ACTIVE:
        raise Conflict(
            _("Time is logged only while the contract is active."), code="contract_not_active"
        )


def _running(contract: Contract) -> TimeEntry | None:
    return locks.time_entries().filter(contract=contract, minutes__isnull=True).first()


# --- the timer ------------------------------------------------------------------------------


def stop_timer(contract: Contract, timer: TimeEntry, *, now, memo: str = "") -> TimeEntry | None:
    """Stop ``timer`` (its contract locked): its whole minutes, at least one, capped at a day
    and at what is left in its week; dropped when nothing is left."""
    ran = int((now - timer.started_at).total_seconds() // 60)
    minutes = min(max(ran, 1), MINUTES_A_DAY, minutes_left(contract, timer.week_start))
    if minutes < 1:
        timer.delete()
        return None
    timer.minutes = minutes
    timer.memo = memo or timer.memo
    timer.save(update_fields=["minutes", "memo", "updated_at"])
    return timer


def running_timer_stop(contract: Contract, *, now) -> None:
    """Stop the contract's running timer, if any (pausing or ending it; contract locked)."""
    timer = _running(contract)
    if timer is not None:
        stop_timer(contract, timer, now=now)


@transaction.atomic
def timer_start(*, freelancer, contract_id: int, memo: str, now=None) -> TimeEntry:
    """Start the timer on today (platform time) with what the freelancer is working on."""
    now = now or timezone.now()
    memo = _memo(memo)
    contract = _locked_hourly(freelancer, contract_id)
    _require_active(contract)
    if _running(contract) is not None:
        raise Conflict(_("A timer is already running."), code="timer_running")
    today = platform_today(now)
    _within_limit(contract, week_of(today), 1)
    return TimeEntry.objects.create(
        contract=contract,
        source=EntrySource.TIMER,
        work_date=today,
        week_start=week_of(today),
        started_at=now,
        memo=memo,
    )


@transaction.atomic
def timer_stop(*, freelancer, contract_id: int, memo: str = "", now=None) -> TimeEntry | None:
    """Stop the running timer (a new memo replaces the one it started with). None when the
    week had nothing left, so the timer was dropped."""
    now = now or timezone.now()
    memo = _memo(memo) if (memo or "").strip() else ""
    contract = _locked_hourly(freelancer, contract_id)
    timer = _running(contract)
    if timer is None:
        raise Conflict(_("No timer is running."), code="no_timer")
    return stop_timer(contract, timer, now=now, memo=memo)


# --- entries by hand ------------------------------------------------------------------------


@transaction.atomic
def time_entry_add(
    *, freelancer, contract_id: int, work_date: date | None, minutes, memo: str, now=None
) -> TimeEntry:
    """Log time by hand on a day of the current week."""
    now = now or timezone.now()
    memo, minutes = _memo(memo), _minutes(minutes)
    contract = _locked_hourly(freelancer, contract_id)
    _require_active(contract)
    today = platform_today(now)
    if work_date is None or not week_of(today) <= work_date <= today:
        raise InvalidInput(_("Choose a day of this week, not in the future."), code="work_date")
    _within_limit(contract, week_of(work_date), minutes)
    return TimeEntry.objects.create(
        contract=contract,
        source=EntrySource.MANUAL,
        work_date=work_date,
        week_start=week_of(work_date),
        minutes=minutes,
        memo=memo,
    )


def _locked_entry(freelancer, entry_id: int):
    """The entry's contract, its statement (if any) and the entry, locked in that order."""
    contract_id = (
        TimeEntry.objects.filter(pk=entry_id).values_list("contract_id", flat=True).first()
    )
    if contract_id is None:
        raise NotFound(_("No such time entry."), code="time_entry_not_found")
    contract = _locked_hourly(freelancer, contract_id)
    statement_id = TimeEntry.objects.filter(pk=entry_id).values_list("statement_id", flat=True)
    statement_id = statement_id.first()
    statement = locks.statements().get(pk=statement_id) if statement_id else None
    return contract, statement, locks.time_entries().get(pk=entry_id)


def _require_editable(contract: Contract, statement: WeeklyStatement | None) -> None:
    if statement is None and contract.status not in EDITABLE:
        raise Conflict(_("This contract has ended."), code="contract_ended")
    if statement is not None and statement.status != StatementStatus.QUERIED:
        raise Conflict(
            _("This time is on a weekly statement: it changes only while the client queries it."),
            code="entry_on_statement",
        )


def recount(statement: WeeklyStatement) -> None:
    """The statement's minutes and amount from its entries now (only ever fewer)."""
    minutes = statement.entries.aggregate(total=Sum("minutes"))["total"] or 0
    statement.minutes = minutes
    statement.amount = statement_amount(statement.hourly_rate, minutes, statement.currency)
    statement.save(update_fields=["minutes", "amount", "updated_at"])


@transaction.atomic
def time_entry_update(*, freelancer, entry_id: int, minutes, memo: str) -> TimeEntry:
    """Change an entry's minutes and memo (within the weekly limit; on a queried statement,
    only fewer minutes)."""
    memo, minutes = _memo(memo), _minutes(minutes)
    contract, statement, entry = _locked_entry(freelancer, entry_id)
    _require_editable(contract, statement)
    if entry.minutes is None:
        raise Conflict(_("Stop the timer first."), code="timer_running")
    if statement is not None and minutes > entry.minutes:
        raise Conflict(
            _("Time on a queried statement can only be reduced."), code="statement_reduce_only"
        )
    if statement is None:
        _within_limit(contract, entry.week_start, minutes, exclude=entry.pk)
    entry.minutes, entry.memo = minutes, memo
    entry.save(update_fields=["minutes", "memo", "updated_at"])
    if statement is not None:
        recount(statement)
    return entry


@transaction.atomic
def time_entry_delete(*, freelancer, entry_id: int) -> None:
    """Delete an entry (a running timer is discarded)."""
    contract, statement, entry = _locked_entry(freelancer, entry_id)
    _require_editable(contract, statement)
    entry.delete()
    if statement is not None:
        recount(statement)
