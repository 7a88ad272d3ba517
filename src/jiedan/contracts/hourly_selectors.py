"""Reads for hourly contracts: the week as it runs (its entries, the timer, the hours left and
what it costs so far) and the weekly statements with their entries. Only the two parties see
them; for anyone else they do not exist (``NotFound``)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound

from .models import Contract, TimeEntry, WeeklyStatement
from .services.hourly import platform_today, statement_amount, week_ends_at, week_of


@dataclass(frozen=True)
class HourlyWeek:
    """The current week of an hourly contract (platform time), before it becomes a statement."""

    week_start: date
    ends_at: datetime
    entries: list[TimeEntry]  # this week's, by day
    timer: TimeEntry | None  # running, started this week or an earlier one not closed yet
    minutes: int  # of the stopped entries
    limit_minutes: int
    left_minutes: int
    hourly_rate: Decimal
    amount: Decimal  # the minutes so far at the rate
    currency: str


def hourly_week(*, contract: Contract, now=None) -> HourlyWeek:
    """One query for the entries; ``contract.terms`` should be loaded with the contract."""
    week = week_of(platform_today(now or timezone.now()))
    rows = list(
        contract.time_entries.filter(Q(week_start=week) | Q(minutes__isnull=True)).order_by(
            "work_date", "pk"
        )
    )
    entries = [entry for entry in rows if entry.week_start == week]
    minutes = sum(entry.minutes or 0 for entry in entries)
    limit = contract.terms.weekly_limit * 60
    rate = contract.terms.hourly_rate
    return HourlyWeek(
        week_start=week,
        ends_at=week_ends_at(week),
        entries=entries,
        timer=next((entry for entry in rows if entry.minutes is None), None),
        minutes=minutes,
        limit_minutes=limit,
        left_minutes=max(limit - minutes, 0),
        hourly_rate=rate,
        amount=statement_amount(rate, minutes, contract.currency),
        currency=contract.currency,
    )


def time_entries_of(*, contract: Contract, week_start: date):
    return contract.time_entries.filter(week_start=week_start).order_by("work_date", "pk")


def statements_of(*, contract: Contract) -> list[WeeklyStatement]:
    """The contract's weekly statements, newest first, with their entries (two queries)."""
    entries = TimeEntry.objects.order_by("work_date", "pk")
    return list(
        contract.statements.prefetch_related(Prefetch("entries", queryset=entries)).order_by(
            "-week_start"
        )
    )


def _of_party(user) -> Q:
    return Q(contract__client=user) | Q(contract__freelancer=user)


def statement_for_party(*, user, statement_id: int) -> WeeklyStatement:
    found = (
        WeeklyStatement.objects.filter(_of_party(user), pk=statement_id)
        .prefetch_related(Prefetch("entries", queryset=TimeEntry.objects.order_by("work_date")))
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if found is None:
        raise NotFound(_("No such statement."), code="statement_not_found")
    return found


def time_entry_for_party(*, user, entry_id: int) -> TimeEntry:
    found = (
        TimeEntry.objects.filter(_of_party(user), pk=entry_id).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if found is None:
        raise NotFound(_("No such time entry."), code="time_entry_not_found")
    return found
