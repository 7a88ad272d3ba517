"""Hourly contracts: the freelancer's time (timer, entries by hand, the weekly limit), the week
closing into a statement at its boundary, the client's query, answer and approval, billing
(once, a short wallet then payment) — every denied action leaves rows and books unchanged."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from jiedan.contracts import services
from jiedan.contracts.models import (
    EntrySource,
    StatementStatus,
    Status,
    TimeEntry,
    WeeklyStatement,
)
from jiedan.contracts.services.statements import statements_close_and_bill
from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.fees import release_split
from jiedan.ledger.models import Journal, Purpose
from jiedan.ledger.selectors import account_balance
from tests.ledger.helpers import balances, top_up

from .factories import active_contract, active_hourly_contract, logged, stranger

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
MONDAY = datetime(2030, 1, 7, 0, 0, tzinfo=TZ)
WEDNESDAY = MONDAY + timedelta(days=2, hours=10)
NEXT_MONDAY = MONDAY + timedelta(days=7)
REVIEW_ENDS = NEXT_MONDAY + timedelta(days=5)


def _state():
    """Everything a refused action must leave as it was."""
    return (
        balances(),
        Journal.objects.count(),
        list(TimeEntry.objects.order_by("pk").values_list("minutes", "memo", "statement_id")),
        list(WeeklyStatement.objects.order_by("pk").values_list("status", "minutes", "amount")),
    )


def _closed_week(contract, *minutes):
    """A statement of the week of MONDAY with entries of ``minutes``."""
    for each in minutes:
        logged(contract, each, now=WEDNESDAY)
    statements_close_and_bill(now=NEXT_MONDAY)
    return WeeklyStatement.objects.get(contract=contract)


def _wallet(user):
    return account_balance(purpose=Purpose.WALLET, currency="CNY", owner=user)


def _pending(user):
    return account_balance(purpose=Purpose.PENDING, currency="CNY", owner=user)


# --- time by hand ------------------------------------------------------------------------------


def test_freelancer_logs_time_by_hand_in_the_current_week():
    contract = active_hourly_contract()
    # when
    entry = logged(contract, 90, now=WEDNESDAY, day=MONDAY.date())
    # then
    assert (entry.source, entry.work_date, entry.week_start, entry.minutes) == (
        EntrySource.MANUAL,
        MONDAY.date(),
        MONDAY.date(),
        90,
    )
    assert entry.statement is None


@pytest.mark.parametrize(
    ("day", "minutes", "memo", "code"),
    [
        (WEDNESDAY.date() + timedelta(days=1), 30, "Tomorrow", "work_date"),
        (MONDAY.date() - timedelta(days=1), 30, "Last week", "work_date"),
        (None, 30, "No day", "work_date"),
        (WEDNESDAY.date(), 0, "Nothing", "minutes"),
        (WEDNESDAY.date(), 1441, "More than a day", "minutes"),
        (WEDNESDAY.date(), 30, "   ", "memo_missing"),
    ],
)
def test_time_by_hand_outside_the_rules_is_refused(day, minutes, memo, code):
    contract = active_hourly_contract()
    before = _state()
    with pytest.raises(InvalidInput) as refused:
        services.time_entry_add(
            freelancer=contract.freelancer,
            contract_id=contract.pk,
            work_date=day,
            minutes=minutes,
            memo=memo,
            now=WEDNESDAY,
        )
    assert refused.value.code == code
    assert _state() == before


def test_only_the_freelancer_of_an_active_hourly_contract_logs_time():
    hourly, fixed = active_hourly_contract(), active_contract()
    before = _state()
    refusals = [
        (hourly.client, hourly, PermissionDenied, "freelancer_only"),
        (stranger(), hourly, NotFound, "contract_not_found"),
        (fixed.freelancer, fixed, Conflict, "not_hourly"),
    ]
    for actor, contract, error, code in refusals:
        with pytest.raises(error) as refused:
            services.time_entry_add(
                freelancer=actor,
                contract_id=contract.pk,
                work_date=WEDNESDAY.date(),
                minutes=30,
                memo="Work",
                now=WEDNESDAY,
            )
        assert refused.value.code == code
    services.contract_pause(client=hourly.client, contract_id=hourly.pk)
    with pytest.raises(Conflict) as refused:
        logged(hourly, 30, now=WEDNESDAY)
    assert refused.value.code == "contract_not_active"
    assert _state()[1:] == before[1:]


def test_the_weekly_limit_refuses_more_time_and_says_how_much_is_left():
    contract = active_hourly_contract(limit=2)
    logged(contract, 90, now=WEDNESDAY)
    before = _state()
    # when more than is left is logged
    with translation.override("en"), pytest.raises(Conflict) as refused:
        logged(contract, 45, now=WEDNESDAY)
    # then
    assert refused.value.code == "weekly_limit_reached"
    assert "only 0 h 30 min is left" in str(refused.value.message)
    assert _state() == before
    # what is left fits exactly; then nothing is left, for entries or a timer
    logged(contract, 30, now=WEDNESDAY)
    with translation.override("en"), pytest.raises(Conflict) as refused:
        logged(contract, 1, now=WEDNESDAY)
    assert "no time is left this week" in str(refused.value.message)
    with pytest.raises(Conflict) as refused:
        services.timer_start(
            freelancer=contract.freelancer, contract_id=contract.pk, memo="More", now=WEDNESDAY
        )
    assert refused.value.code == "weekly_limit_reached"
    # next week starts from zero
    assert logged(contract, 120, now=NEXT_MONDAY).week_start == NEXT_MONDAY.date()


# --- the timer ---------------------------------------------------------------------------------


def _start(contract, now, memo="Fixing the checkout"):
    return services.timer_start(
        freelancer=contract.freelancer, contract_id=contract.pk, memo=memo, now=now
    )


def _stop(contract, now, memo=""):
    return services.timer_stop(
        freelancer=contract.freelancer, contract_id=contract.pk, memo=memo, now=now
    )


def test_timer_counts_the_minutes_it_ran_and_only_one_runs():
    contract = active_hourly_contract()
    timer = _start(contract, WEDNESDAY)
    assert (timer.source, timer.minutes, timer.started_at) == (EntrySource.TIMER, None, WEDNESDAY)
    with pytest.raises(Conflict) as refused:
        _start(contract, WEDNESDAY + timedelta(minutes=5))
    assert refused.value.code == "timer_running"
    # when
    stopped = _stop(contract, WEDNESDAY + timedelta(minutes=95, seconds=40), memo="Checkout done")
    # then
    assert (stopped.pk, stopped.minutes, stopped.memo) == (timer.pk, 95, "Checkout done")
    with pytest.raises(Conflict) as refused:
        _stop(contract, WEDNESDAY + timedelta(hours=3))
    assert refused.value.code == "no_timer"


def test_a_stopped_timer_is_capped_at_whats_left_and_at_a_day():
    short = active_hourly_contract(limit=1)
    logged(short, 50, now=WEDNESDAY)
    _start(short, WEDNESDAY)
    assert _stop(short, WEDNESDAY + timedelta(hours=3)).minutes == 10
    long = active_hourly_contract(limit=100)
    _start(long, WEDNESDAY)
    assert _stop(long, WEDNESDAY + timedelta(hours=30)).minutes == 1440


def test_a_timer_stopped_with_nothing_left_in_its_week_is_dropped():
    contract = active_hourly_contract(limit=1)
    _start(contract, WEDNESDAY)
    logged(contract, 60, now=WEDNESDAY)
    assert _stop(contract, WEDNESDAY + timedelta(minutes=30)) is None
    assert list(TimeEntry.objects.values_list("minutes", flat=True)) == [60]


def test_pausing_or_ending_the_contract_stops_the_timer():
    paused = active_hourly_contract()
    _start(paused, timezone.now() - timedelta(minutes=20))
    services.contract_pause(client=paused.client, contract_id=paused.pk)
    assert TimeEntry.objects.get(contract=paused).minutes == 20
    ended = active_hourly_contract()
    _start(ended, timezone.now() - timedelta(minutes=45))
    services.contract_end(actor=ended.client, contract_id=ended.pk, reason="Project shelved.")
    ended.refresh_from_db()
    assert TimeEntry.objects.get(contract=ended).minutes == 45
    # time was logged, so the contract is completed, not cancelled
    assert ended.status == Status.COMPLETED


def test_ending_an_hourly_contract_without_time_cancels_it():
    contract = active_hourly_contract()
    services.contract_end(actor=contract.freelancer, contract_id=contract.pk, reason="Too busy.")
    contract.refresh_from_db()
    assert contract.status == Status.CANCELLED


# --- editing ---------------------------------------------------------------------------------


def test_freelancer_edits_and_deletes_open_entries_within_the_limit():
    contract = active_hourly_contract(limit=2)
    entry = logged(contract, 60, now=WEDNESDAY)
    logged(contract, 30, now=WEDNESDAY)
    # when
    services.time_entry_update(
        freelancer=contract.freelancer, entry_id=entry.pk, minutes=90, memo="Order form + tests"
    )
    # then
    entry.refresh_from_db()
    assert (entry.minutes, entry.memo) == (90, "Order form + tests")
    before = _state()
    with pytest.raises(Conflict) as refused:
        services.time_entry_update(
            freelancer=contract.freelancer, entry_id=entry.pk, minutes=91, memo="Too much"
        )
    assert refused.value.code == "weekly_limit_reached"
    with pytest.raises(PermissionDenied):
        services.time_entry_delete(freelancer=contract.client, entry_id=entry.pk)
    with pytest.raises(NotFound):
        services.time_entry_delete(freelancer=stranger(), entry_id=entry.pk)
    assert _state() == before
    services.time_entry_delete(freelancer=contract.freelancer, entry_id=entry.pk)
    assert not TimeEntry.objects.filter(pk=entry.pk).exists()


def test_entries_on_a_statement_in_review_cannot_change():
    contract = active_hourly_contract()
    statement = _closed_week(contract, 60)
    entry = statement.entries.get()
    before = _state()
    with pytest.raises(Conflict) as refused:
        services.time_entry_update(
            freelancer=contract.freelancer, entry_id=entry.pk, minutes=30, memo="Less"
        )
    assert refused.value.code == "entry_on_statement"
    with pytest.raises(Conflict):
        services.time_entry_delete(freelancer=contract.freelancer, entry_id=entry.pk)
    assert _state() == before


# --- closing the week --------------------------------------------------------------------------


def test_the_week_closes_at_its_boundary_into_one_statement():
    contract = active_hourly_contract(rate="99.99")
    logged(contract, 60, now=WEDNESDAY)
    logged(contract, 7, now=WEDNESDAY, memo="Call with the client")
    _start(contract, NEXT_MONDAY - timedelta(hours=1))
    # not before the week has ended
    assert statements_close_and_bill(now=NEXT_MONDAY - timedelta(seconds=1)).closed == 0
    assert not WeeklyStatement.objects.exists()
    # when the job runs just after it ended
    run = statements_close_and_bill(now=NEXT_MONDAY + timedelta(minutes=30))
    # then the running timer is stopped and every entry of the week is on the statement
    statement = WeeklyStatement.objects.get()
    assert (run.closed, run.billed) == (1, 0)
    assert (statement.week_start, statement.minutes, statement.hourly_rate) == (
        MONDAY.date(),
        157,
        Decimal("99.99"),
    )
    assert statement.amount == Decimal("261.64")  # 99.99 × 157 / 60 = 261.6405
    assert statement.status == StatementStatus.REVIEW
    assert statement.review_ends_at == REVIEW_ENDS
    assert statement.entries.count() == 3
    # a second run changes nothing
    assert statements_close_and_bill(now=NEXT_MONDAY + timedelta(hours=1)).closed == 0
    assert WeeklyStatement.objects.count() == 1


def test_the_review_time_follows_the_setting(settings):
    settings.JIEDAN_HOURLY_REVIEW_DAYS = 2
    contract = active_hourly_contract()
    statement = _closed_week(contract, 30)
    assert statement.review_ends_at == NEXT_MONDAY + timedelta(days=2)


# --- billing ---------------------------------------------------------------------------------


def test_a_statement_is_billed_once_its_review_is_over():
    contract = active_hourly_contract(rate="120.00")
    top_up(contract.client, "1000.00")
    statement = _closed_week(contract, 90, 60)  # 2.5 h = 300.00
    assert statements_close_and_bill(now=REVIEW_ENDS - timedelta(seconds=1)).billed == 0
    # when
    assert statements_close_and_bill(now=REVIEW_ENDS).billed == 1
    # then
    statement.refresh_from_db()
    split = release_split(Decimal("300.00"), "CNY")
    assert (statement.status, statement.amount, statement.billed_at) == (
        StatementStatus.BILLED,
        Decimal("300.00"),
        REVIEW_ENDS,
    )
    assert _wallet(contract.client) == Decimal("700.00")
    assert _pending(contract.freelancer) == split.net == Decimal("270.00")
    assert ledger_audit() == []
    # billing again moves nothing
    journals = Journal.objects.count()
    assert statements_close_and_bill(now=REVIEW_ENDS + timedelta(days=1)).billed == 0
    assert not services.statement_bill_due(statement_id=statement.pk, now=REVIEW_ENDS)
    assert Journal.objects.count() == journals


def test_client_approves_a_statement_at_once():
    contract = active_hourly_contract()
    top_up(contract.client, "500.00")
    statement = _closed_week(contract, 60)
    # when
    services.statement_approve(
        client=contract.client, statement_id=statement.pk, now=NEXT_MONDAY + timedelta(hours=2)
    )
    # then
    statement.refresh_from_db()
    assert statement.status == StatementStatus.BILLED
    assert _wallet(contract.client) == Decimal("400.00")
    before = _state()
    with pytest.raises(Conflict) as refused:
        services.statement_approve(client=contract.client, statement_id=statement.pk)
    assert refused.value.code == "statement_state"
    assert _state() == before
    assert ledger_audit() == []


def test_only_the_client_approves_or_queries_and_only_the_freelancer_answers():
    contract = active_hourly_contract()
    top_up(contract.client, "500.00")
    statement = _closed_week(contract, 60)
    before = _state()
    with pytest.raises(PermissionDenied):
        services.statement_approve(client=contract.freelancer, statement_id=statement.pk)
    with pytest.raises(NotFound):
        services.statement_approve(client=stranger(), statement_id=statement.pk)
    with pytest.raises(PermissionDenied):
        services.statement_query(client=contract.freelancer, statement_id=statement.pk, message="?")
    with pytest.raises(Conflict):
        services.statement_answer(
            freelancer=contract.freelancer, statement_id=statement.pk, message="Nothing asked"
        )
    with pytest.raises(PermissionDenied):
        services.statement_answer(
            freelancer=contract.client, statement_id=statement.pk, message="Me?"
        )
    assert _state() == before


def test_query_then_reduce_then_answer_then_billed_later():
    contract = active_hourly_contract(rate="100.00")
    top_up(contract.client, "500.00")
    statement = _closed_week(contract, 120, 60)
    long, short = statement.entries.order_by("pk")
    queried_at = NEXT_MONDAY + timedelta(days=4)
    # when the client queries it
    services.statement_query(
        client=contract.client,
        statement_id=statement.pk,
        message="Two hours for the form seems a lot.",
        now=queried_at,
    )
    statement.refresh_from_db()
    assert (statement.status, statement.queried_at) == (StatementStatus.QUERIED, queried_at)
    # then it is not billed after its review end
    assert statements_close_and_bill(now=REVIEW_ENDS + timedelta(days=1)).billed == 0
    # the freelancer may reduce, never increase
    with pytest.raises(Conflict) as refused:
        services.time_entry_update(
            freelancer=contract.freelancer, entry_id=long.pk, minutes=121, memo="More"
        )
    assert refused.value.code == "statement_reduce_only"
    services.time_entry_update(
        freelancer=contract.freelancer, entry_id=long.pk, minutes=90, memo="Order form"
    )
    services.time_entry_delete(freelancer=contract.freelancer, entry_id=short.pk)
    statement.refresh_from_db()
    assert (statement.minutes, statement.amount) == (90, Decimal("150.00"))
    # and answers: review again for two days after the answer (later than the first end)
    answered_at = REVIEW_ENDS + timedelta(days=1)
    services.statement_answer(
        freelancer=contract.freelancer,
        statement_id=statement.pk,
        message="You are right, I counted the call twice.",
        now=answered_at,
    )
    statement.refresh_from_db()
    assert statement.status == StatementStatus.REVIEW
    assert statement.review_ends_at == answered_at + timedelta(days=2)
    # a second query is refused
    before = _state()
    with pytest.raises(Conflict) as refused:
        services.statement_query(
            client=contract.client, statement_id=statement.pk, message="Again", now=answered_at
        )
    assert refused.value.code == "statement_queried_once"
    assert _state() == before
    # billed at the new end
    assert statements_close_and_bill(now=answered_at + timedelta(days=1)).billed == 0
    assert statements_close_and_bill(now=answered_at + timedelta(days=2)).billed == 1
    assert _wallet(contract.client) == Decimal("350.00")
    assert ledger_audit() == []


def test_an_early_answer_keeps_the_original_review_end():
    contract = active_hourly_contract()
    statement = _closed_week(contract, 60)
    services.statement_query(
        client=contract.client,
        statement_id=statement.pk,
        message="What is this?",
        now=NEXT_MONDAY,
    )
    services.statement_answer(
        freelancer=contract.freelancer,
        statement_id=statement.pk,
        message="The API work.",
        now=NEXT_MONDAY + timedelta(hours=1),
    )
    statement.refresh_from_db()
    assert statement.review_ends_at == REVIEW_ENDS


def test_a_query_after_the_review_is_refused():
    contract = active_hourly_contract()
    statement = _closed_week(contract, 60)
    before = _state()
    with pytest.raises(Conflict) as refused:
        services.statement_query(
            client=contract.client, statement_id=statement.pk, message="Late", now=REVIEW_ENDS
        )
    assert refused.value.code == "review_over"
    assert _state() == before


def test_client_may_approve_a_queried_statement():
    contract = active_hourly_contract()
    top_up(contract.client, "100.00")
    statement = _closed_week(contract, 60)
    services.statement_query(
        client=contract.client, statement_id=statement.pk, message="?", now=NEXT_MONDAY
    )
    services.statement_approve(client=contract.client, statement_id=statement.pk)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.BILLED
    assert _wallet(contract.client) == Decimal("0.00")


def test_a_statement_reduced_to_nothing_bills_no_money():
    contract = active_hourly_contract()
    statement = _closed_week(contract, 60)
    services.statement_query(
        client=contract.client,
        statement_id=statement.pk,
        message="I asked for no work.",
        now=NEXT_MONDAY,
    )
    services.time_entry_delete(freelancer=contract.freelancer, entry_id=statement.entries.get().pk)
    journals = Journal.objects.count()
    services.statement_approve(client=contract.client, statement_id=statement.pk)
    statement.refresh_from_db()
    assert (statement.status, statement.minutes, statement.amount) == (
        StatementStatus.BILLED,
        0,
        Decimal("0.00"),
    )
    assert Journal.objects.count() == journals
    assert ledger_audit() == []


def test_a_short_wallet_moves_nothing_until_the_client_pays():
    contract = active_hourly_contract(rate="200.00")
    top_up(contract.client, "50.00")
    statement = _closed_week(contract, 60)
    before = balances(), Journal.objects.count()
    # when the review ends with the wallet short
    assert statements_close_and_bill(now=REVIEW_ENDS).billed == 0
    # then nothing moved and the statement waits for payment
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAYMENT_DUE
    assert (balances(), Journal.objects.count()) == before
    # paying while still short is refused and changes nothing
    with pytest.raises(Conflict) as refused:
        services.statement_pay(client=contract.client, statement_id=statement.pk)
    assert refused.value.code == "wallet_insufficient"
    assert (balances(), Journal.objects.count()) == before
    # the job retries every run
    assert statements_close_and_bill(now=REVIEW_ENDS + timedelta(hours=1)).billed == 0
    # after a top-up the client pays now
    top_up(contract.client, "150.00")
    services.statement_pay(client=contract.client, statement_id=statement.pk)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.BILLED
    assert _wallet(contract.client) == Decimal("0.00")
    assert _pending(contract.freelancer) == Decimal("180.00")
    assert ledger_audit() == []


def test_the_job_bills_a_payment_due_statement_after_a_top_up():
    contract = active_hourly_contract()
    statement = _closed_week(contract, 30)
    services.statement_approve(client=contract.client, statement_id=statement.pk)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAYMENT_DUE
    top_up(contract.client, "50.00")
    assert statements_close_and_bill(now=NEXT_MONDAY + timedelta(hours=1)).billed == 1
    assert _wallet(contract.client) == Decimal("0.00")


def test_an_ended_contracts_last_week_closes_and_bills():
    contract = active_hourly_contract()
    top_up(contract.client, "100.00")
    logged(contract, 60, now=WEDNESDAY)
    services.contract_end(
        actor=contract.client, contract_id=contract.pk, reason="Done.", now=WEDNESDAY
    )
    statements_close_and_bill(now=NEXT_MONDAY)
    statements_close_and_bill(now=REVIEW_ENDS)
    statement = WeeklyStatement.objects.get(contract=contract)
    assert statement.status == StatementStatus.BILLED
    contract.refresh_from_db()
    assert contract.status == Status.COMPLETED
    assert ledger_audit() == []


def test_ledger_audit_finds_a_statement_billed_for_another_amount():
    contract = active_hourly_contract()
    top_up(contract.client, "100.00")
    statement = _closed_week(contract, 60)
    services.statement_approve(client=contract.client, statement_id=statement.pk)
    WeeklyStatement.objects.filter(pk=statement.pk).update(amount=Decimal("90.00"))
    assert [problem.check for problem in ledger_audit()] == ["statement_release_mismatch"]
