"""Locking querysets for contract writes. Fixed order everywhere: the contract row first, then
its milestones by primary key, then (inside the escrow services) the ledger accounts by primary
key. A milestone write always locks its contract first, so two writes on one contract queue.
Hourly contracts: the contract, then its weekly statement, then its time entries by key."""

from django.db.models import QuerySet

from .models import (
    Cancellation,
    ChangeRequest,
    Contract,
    Milestone,
    TimeEntry,
    WeeklyStatement,
)


def contracts() -> QuerySet[Contract]:
    return Contract.objects.select_for_update(of=("self",)).order_by("pk")


def milestones() -> QuerySet[Milestone]:
    return Milestone.objects.select_for_update(of=("self",)).order_by("pk")


def cancellations() -> QuerySet[Cancellation]:
    return Cancellation.objects.select_for_update(of=("self",)).order_by("pk")


def statements() -> QuerySet[WeeklyStatement]:
    return WeeklyStatement.objects.select_for_update(of=("self",)).order_by("pk")


def time_entries() -> QuerySet[TimeEntry]:
    return TimeEntry.objects.select_for_update(of=("self",)).order_by("pk")


def change_requests() -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.select_for_update(of=("self",)).order_by("pk")
