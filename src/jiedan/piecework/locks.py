"""Locking querysets for piece-rate writes. Fixed order everywhere: the task row first, then
its pieces by primary key (the escrow rows come last, inside the escrow services)."""

from django.db.models import QuerySet

from .models import Piece, PieceTask


def tasks() -> QuerySet[PieceTask]:
    return PieceTask.objects.select_for_update(of=("self",)).order_by("pk")


def pieces() -> QuerySet[Piece]:
    return Piece.objects.select_for_update(of=("self",)).order_by("pk")
