"""The hourly part of the contract page: the rate and limit, this week's entries and the hours
left, the freelancer's timer and entry forms, and the weekly statements with the actions each
party may take (query, answer, approve, pay). Thin like the other pages: form in, one service
call, back to the contract page (with the form and the reason when refused)."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiedan.core.errors import DomainError
from jiedan.ledger.models import Purpose
from jiedan.ledger.selectors import account_balance

from .. import hourly_selectors, services
from ..forms import (
    DurationForm,
    StatementMessageForm,
    TimeEntryForm,
    TimerStartForm,
    TimerStopForm,
)
from ..models import Contract, Kind, StatementStatus, Status
from ..services.hourly import EDITABLE, platform_today
from . import pages

APPROVABLE = (StatementStatus.REVIEW, StatementStatus.QUERIED)


@dataclass
class HourlySection:
    week: hourly_selectors.HourlyWeek | None
    statements: list
    can_log: bool
    timer_form: TimerStartForm | None
    stop_form: TimerStopForm | None
    entry_form: TimeEntryForm | None
    wallet: object


def _form(form_class, prefix: str, bound: dict, **kwargs):
    return bound.get(prefix) or form_class(prefix=prefix, **kwargs)


def _edit_form(entry, bound: dict) -> DurationForm:
    initial = {"hours": entry.minutes // 60, "minutes": entry.minutes % 60, "memo": entry.memo}
    return _form(DurationForm, f"entry-{entry.pk}", bound, initial=initial)


def _prepare_statements(statements, *, is_client: bool, bound: dict, now) -> list:
    for statement in statements:
        status = statement.status
        statement.can_approve = is_client and status in APPROVABLE
        statement.can_pay = is_client and status == StatementStatus.PAYMENT_DUE
        statement.query_form = (
            _form(StatementMessageForm, f"query-{statement.pk}", bound)
            if is_client
            and status == StatementStatus.REVIEW
            and statement.queried_at is None
            and statement.review_ends_at > now
            else None
        )
        statement.answer_form = (
            _form(StatementMessageForm, f"answer-{statement.pk}", bound)
            if not is_client and status == StatementStatus.QUERIED
            else None
        )
        for entry in statement.entries.all():
            entry.edit_form = (
                _edit_form(entry, bound) if statement.answer_form is not None else None
            )
    return statements


def hourly_context(contract: Contract, *, user, bound: dict) -> dict:
    """``{"hourly": HourlySection}`` for an hourly contract's page; nothing for a fixed one."""
    if contract.kind != Kind.HOURLY or contract.status == Status.OFFERED:
        return {}
    now = timezone.now()
    is_client = user.pk == contract.client_id
    week = hourly_selectors.hourly_week(contract=contract, now=now)
    can_log = not is_client and contract.status == Status.ACTIVE
    if not is_client and contract.status in EDITABLE:
        for entry in week.entries:
            entry.edit_form = _edit_form(entry, bound) if entry.minutes else None
    statements = _prepare_statements(
        hourly_selectors.statements_of(contract=contract), is_client=is_client, bound=bound, now=now
    )
    due = any(statement.can_pay for statement in statements)
    wallet = (
        account_balance(purpose=Purpose.WALLET, currency=contract.currency, owner=user)
        if due
        else None
    )
    today = platform_today(now)
    section = HourlySection(
        week=week,
        statements=statements,
        can_log=can_log,
        timer_form=_form(TimerStartForm, "timer", bound) if can_log and not week.timer else None,
        stop_form=_form(TimerStopForm, "timer-stop", bound)
        if not is_client and week.timer
        else None,
        entry_form=_form(TimeEntryForm, "entry", bound, initial={"work_date": today})
        if can_log
        else None,
        wallet=wallet,
    )
    return {"hourly": section}


# --- actions -------------------------------------------------------------------------------


@login_required
@require_POST
def timer_start(request, contract_id: int):
    return pages._form_action(
        request,
        contract_id,
        TimerStartForm(request.POST, prefix="timer"),
        lambda data: services.timer_start(
            freelancer=request.user, contract_id=contract_id, memo=data["memo"]
        ),
        _("The timer is running."),
    )


@login_required
@require_POST
def timer_stop(request, contract_id: int):
    return pages._form_action(
        request,
        contract_id,
        TimerStopForm(request.POST, prefix="timer-stop"),
        lambda data: services.timer_stop(
            freelancer=request.user, contract_id=contract_id, memo=data["memo"]
        ),
        _("The timer is stopped and its time logged."),
    )


@login_required
@require_POST
def entry_add(request, contract_id: int):
    form = TimeEntryForm(request.POST, prefix="entry")
    return pages._form_action(
        request,
        contract_id,
        form,
        lambda data: services.time_entry_add(
            freelancer=request.user,
            contract_id=contract_id,
            work_date=data["work_date"],
            minutes=form.total_minutes(),
            memo=data["memo"],
        ),
        _("Your time is logged."),
    )


def _entry(request, entry_id: int):
    return pages._or_404(
        hourly_selectors.time_entry_for_party, user=request.user, entry_id=entry_id
    )


@login_required
@require_POST
def entry_update(request, entry_id: int):
    entry = _entry(request, entry_id)
    form = DurationForm(request.POST, prefix=f"entry-{entry.pk}")
    return pages._form_action(
        request,
        entry.contract_id,
        form,
        lambda data: services.time_entry_update(
            freelancer=request.user,
            entry_id=entry.pk,
            minutes=form.total_minutes(),
            memo=data["memo"],
        ),
        _("The time entry is changed."),
    )


@login_required
@require_POST
def entry_delete(request, entry_id: int):
    entry = _entry(request, entry_id)
    return pages._act(
        request,
        entry.contract_id,
        lambda: services.time_entry_delete(freelancer=request.user, entry_id=entry.pk),
        _("The time entry is deleted."),
    )


def _statement(request, statement_id: int):
    return pages._or_404(
        hourly_selectors.statement_for_party, user=request.user, statement_id=statement_id
    )


@login_required
@require_POST
def statement_query(request, statement_id: int):
    statement = _statement(request, statement_id)
    return pages._form_action(
        request,
        statement.contract_id,
        StatementMessageForm(request.POST, prefix=f"query-{statement.pk}"),
        lambda data: services.statement_query(
            client=request.user, statement_id=statement.pk, message=data["message"]
        ),
        _("Your query is sent. The statement is not billed until the freelancer answers."),
    )


@login_required
@require_POST
def statement_answer(request, statement_id: int):
    statement = _statement(request, statement_id)
    return pages._form_action(
        request,
        statement.contract_id,
        StatementMessageForm(request.POST, prefix=f"answer-{statement.pk}"),
        lambda data: services.statement_answer(
            freelancer=request.user, statement_id=statement.pk, message=data["message"]
        ),
        _("Your answer is sent. The client reviews the statement again."),
    )


@login_required
@require_POST
def statement_approve(request, statement_id: int):
    """Approve a statement: billed now, or waiting for payment when the wallet is short."""
    statement = _statement(request, statement_id)
    try:
        approved = services.statement_approve(client=request.user, statement_id=statement.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if approved.status == StatementStatus.PAYMENT_DUE:
            messages.warning(request, _("Approved, but your wallet is short: top it up, then pay."))
        else:
            messages.success(request, _("Approved: the week is billed and paid."))
    return redirect("contracts:detail", contract_id=statement.contract_id)


@login_required
@require_POST
def statement_pay(request, statement_id: int):
    statement = _statement(request, statement_id)
    return pages._act(
        request,
        statement.contract_id,
        lambda: services.statement_pay(client=request.user, statement_id=statement.pk),
        _("Paid: the week is billed."),
    )
