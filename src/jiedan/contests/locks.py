"""Locking querysets for contests. A write that changes a contest's status or entries locks the
contest row first (then, inside escrow, the hold rows), always in primary-key order."""

from django.db.models import QuerySet

from .models import Contest


def contests() -> QuerySet[Contest]:
    """``SELECT … FOR UPDATE`` on contest rows only (never on joined tables)."""
    return Contest.objects.select_for_update(of=("self",)).order_by("pk")
