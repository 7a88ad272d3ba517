"""Reads of the payments app: a person's wallet, top-ups, withdrawals, payout methods and
statement. Everything is the viewer's own; another person's record is "not found". Each read
is a fixed number of queries, whatever the size of the ledger."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound
from jiedan.core.money import DEFAULT_CURRENCY
from jiedan.ledger.models import Account, Entry, PendingFunds, Purpose
from jiedan.ledger.selectors import WalletSummary, wallet_summary

from .models import PayoutMethod, Refund, TopUp, Withdrawal

# The accounts a person's statement covers.
STATEMENT_PURPOSES = (Purpose.WALLET, Purpose.PENDING, Purpose.PAYOUT)
RECENT = 10


@dataclass(frozen=True)
class StatementFilters:
    date_from: date | None = None  # inclusive, in the site's time zone
    date_to: date | None = None  # inclusive
    kind: str = ""  # a journal kind, e.g. wallet.top_up
    account: str = ""  # one of STATEMENT_PURPOSES


def wallet_overview(*, owner) -> list[WalletSummary]:
    """The person's money per currency they hold any in (the default currency always)."""
    held = set(
        Account.objects.filter(owner=owner).order_by("currency").values_list("currency", flat=True)
    ) | {DEFAULT_CURRENCY}
    ordered = sorted(held, key=lambda currency: (currency != DEFAULT_CURRENCY, currency))
    return [wallet_summary(owner=owner, currency=currency) for currency in ordered]


def pending_upcoming(*, owner, limit: int = 5) -> list[PendingFunds]:
    """The next earnings to leave the hold period, soonest first."""
    pending = PendingFunds.objects.filter(owner=owner, settled_journal__isnull=True)
    return list(pending.order_by("available_at", "pk")[:limit])


def _with_refunded(top_ups: QuerySet[TopUp]) -> QuerySet[TopUp]:
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
    taken = Sum("refunds__amount", filter=~Q(refunds__status=Refund.Status.FAILED))
    return top_ups.annotate(refunded=Coalesce(taken, zero))


def top_ups_recent(*, owner, limit: int = RECENT) -> list[TopUp]:
    """The latest top-ups, each with ``refundable`` (what may still be refunded)."""
    top_ups = list(_with_refunded(TopUp.objects.filter(user=owner)).order_by("-pk")[:limit])
    for top_up in top_ups:
        succeeded = top_up.status == TopUp.Status.SUCCEEDED
        top_up.refundable = top_up.amount - top_up.refunded if succeeded else Decimal("0")
    return top_ups


def top_up_of(*, owner, top_up_id: int) -> TopUp:
    top_up = TopUp.objects.filter(pk=top_up_id, user=owner).first()
    if top_up is None:
        raise NotFound(_("No such top-up."), code="top_up_not_found")
    return top_up


def refundable_amount(top_up: TopUp) -> Decimal:
    """The part of a succeeded top-up not refunded and not being refunded."""
    if top_up.status != TopUp.Status.SUCCEEDED:
        return Decimal("0")
    return top_up.amount - _with_refunded(TopUp.objects.filter(pk=top_up.pk)).get().refunded


def refunds_of_top_up(*, top_up: TopUp) -> QuerySet[Refund]:
    return top_up.refunds.order_by("-pk")


def withdrawals_recent(*, owner, limit: int = RECENT) -> list[Withdrawal]:
    withdrawals = Withdrawal.objects.filter(user=owner).select_related("method")
    return list(withdrawals.order_by("-pk")[:limit])


def withdrawal_of(*, owner, withdrawal_id: int) -> Withdrawal:
    withdrawal = (
        Withdrawal.objects.filter(pk=withdrawal_id, user=owner).select_related("method").first()
    )
    if withdrawal is None:
        raise NotFound(_("No such withdrawal."), code="withdrawal_not_found")
    return withdrawal


def payout_methods_of(*, owner) -> QuerySet[PayoutMethod]:
    """The person's payout methods they can still use, newest first (details stay masked)."""
    return PayoutMethod.objects.filter(user=owner, removed_at__isnull=True).order_by("-pk")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def statement_entries(*, owner, filters: StatementFilters) -> QuerySet[Entry]:
    """The person's ledger entries on their wallet, pending and payout accounts, newest first,
    with their journals and accounts."""
    purposes = [filters.account] if filters.account in STATEMENT_PURPOSES else STATEMENT_PURPOSES
    entries = Entry.objects.filter(account__owner=owner, account__purpose__in=purposes)
    if filters.date_from:
        entries = entries.filter(journal__created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        next_day = filters.date_to + timedelta(days=1)
        entries = entries.filter(journal__created_at__lt=_day_start(next_day))
    if filters.kind:
        entries = entries.filter(journal__kind=filters.kind)
    return entries.select_related("journal", "account").order_by("-pk")


def statement_page(
    *, owner, filters: StatementFilters, before: int | None, limit: int
) -> tuple[list[Entry], int | None]:
    """One page of the statement (keyset: entries older than the ``before`` entry id) and
    the cursor of the next page, None on the last."""
    entries = statement_entries(owner=owner, filters=filters)
    if before is not None:
        entries = entries.filter(pk__lt=before)
    rows = list(entries[: limit + 1])
    more = len(rows) > limit
    return rows[:limit], rows[limit - 1].pk if more else None


def statement_kinds(*, owner) -> list[str]:
    """The journal kinds on the person's statement, for the filter."""
    kinds = Entry.objects.filter(
        account__owner=owner, account__purpose__in=STATEMENT_PURPOSES
    ).values_list("journal__kind", flat=True)
    return list(kinds.order_by("journal__kind").distinct())
