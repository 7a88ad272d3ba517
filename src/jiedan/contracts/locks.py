"""Locking querysets for contract writes. Fixed order everywhere: the contract row first, then
its milestones by primary key, then (inside the escrow services) the ledger accounts by primary
key. A milestone write always locks its contract first, so two writes on one contract queue."""

from django.db.models import QuerySet

from .models import Cancellation, Contract, Milestone


def contracts() -> QuerySet[Contract]:
    return Contract.objects.select_for_update(of=("self",)).order_by("pk")


def milestones() -> QuerySet[Milestone]:
    return Milestone.objects.select_for_update(of=("self",)).order_by("pk")


def cancellations() -> QuerySet[Cancellation]:
    return Cancellation.objects.select_for_update(of=("self",)).order_by("pk")
