"""Hourly contracts: the freelancer's time entries and the weekly statements they are billed by."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import amount_field, currency_field

STATEMENT_PREFIX = "statement"
MEMO_MAX_LENGTH = 500
MINUTES_A_DAY = 24 * 60
QUERY_MAX_LENGTH = 2000


class EntrySource(models.TextChoices):
    TIMER = "timer", _("Timer")
    MANUAL = "manual", _("Added by hand")


class TimeEntry(models.Model):
    """Time the freelancer worked on an hourly contract, in the week starting ``week_start``
    (a Monday, in the platform's time zone). A running timer has ``started_at`` and no
    ``minutes`` yet; at most one runs per contract. Once its week's statement exists the
    entry belongs to it and changes only while the client's query of it is open."""

    contract = models.ForeignKey("Contract", on_delete=models.PROTECT, related_name="time_entries")
    source = models.CharField(_("logged with"), max_length=6, choices=EntrySource.choices)
    work_date = models.DateField(_("day"))
    week_start = models.DateField(_("week of"), db_index=True)
    started_at = models.DateTimeField(_("timer started"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    memo = models.CharField(_("memo"), max_length=MEMO_MAX_LENGTH)
    statement = models.ForeignKey(
        "WeeklyStatement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["contract", "work_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(minutes__isnull=True),
                name="time_entry_one_timer_per_contract",
            ),
            models.CheckConstraint(
                condition=Q(minutes__isnull=True) | Q(minutes__gte=1, minutes__lte=MINUTES_A_DAY),
                name="time_entry_minutes_in_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.contract_id} {self.work_date}: {self.minutes}"


class StatementStatus(models.TextChoices):
    REVIEW = "review", _("In review")
    QUERIED = "queried", _("Queried by the client")
    PAYMENT_DUE = "unpaid", _("Waiting for the client's payment")
    BILLED = "billed", _("Billed and paid")
    DISPUTED = "disputed", _("In dispute")


class WeeklyStatement(models.Model):
    """One closed week of an hourly contract: its minutes at the rate of the terms in force
    when the week closed. The client reviews it until ``review_ends_at`` and may query it
    once; then it is billed from the client's wallet and paid to the freelancer through
    escrow (``statement:<id>``) in one transaction."""

    contract = models.ForeignKey("Contract", on_delete=models.PROTECT, related_name="statements")
    week_start = models.DateField(_("week of"))
    minutes = models.PositiveIntegerField(_("minutes"))
    hourly_rate = amount_field(_("hourly rate"))
    amount = amount_field(_("amount"))
    currency = currency_field()
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=StatementStatus.choices,
        default=StatementStatus.REVIEW,
    )
    review_ends_at = models.DateTimeField(_("billed after"), db_index=True)
    query = models.TextField(_("client's query"), blank=True, max_length=QUERY_MAX_LENGTH)
    queried_at = models.DateTimeField(_("queried"), null=True, blank=True)
    answer = models.TextField(_("freelancer's answer"), blank=True, max_length=QUERY_MAX_LENGTH)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    billed_at = models.DateTimeField(_("billed"), null=True, blank=True)
    created_at = models.DateTimeField(_("closed"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("weekly statement")
        verbose_name_plural = _("weekly statements")
        ordering = ["contract", "-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "week_start"], name="statement_once_a_week"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="statement_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.contract_id} {self.week_start}: {self.amount}"

    @property
    def escrow_reference(self) -> str:
        return f"{STATEMENT_PREFIX}:{self.pk}"
