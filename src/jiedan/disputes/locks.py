"""Locking querysets for dispute writes. The fixed order, shared with the contracts app: the
contract row, then the milestone or weekly statement, then the dispute, then its offers, then
(inside the escrow services) the ledger accounts by primary key. An auto-approval or a billing
run locks the same contract row first, so it and a dispute opening queue on it."""

from django.db.models import QuerySet

from .models import Dispute, DisputeOffer


def disputes() -> QuerySet[Dispute]:
    return Dispute.objects.select_for_update(of=("self",)).order_by("pk")


def offers() -> QuerySet[DisputeOffer]:
    return DisputeOffer.objects.select_for_update(of=("self",)).order_by("pk")
