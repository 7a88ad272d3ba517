"""Periodic steps: the deadline (judging or close and refund) and the automatic award. Each is
safe to run again: a second run changes nothing and moves no money."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jiedan.contests import services, tasks
from jiedan.contests.models import EntryStatus, Status
from jiedan.escrow.selectors import escrow_balance, escrow_moved
from tests.escrow.helpers import REFUNDED, RELEASED, escrow_journals

from .factories import judging_contest, open_contest, submit

pytestmark = pytest.mark.django_db


def movements(contest) -> int:
    return escrow_journals(contest.escrow_reference).count()


def test_deadline_moves_a_contest_with_valid_entries_to_judging():
    contest = open_contest()
    submit(contest)
    assert services.contests_close_entries(now=contest.entry_deadline - timedelta(seconds=1)) == 0
    assert services.contests_close_entries(now=contest.entry_deadline) == 1
    contest.refresh_from_db()
    assert contest.status == Status.JUDGING
    change = contest.status_changes.last()
    assert (change.actor, change.reason) == (None, services.DEADLINE_REASON)
    assert escrow_balance(reference=contest.escrow_reference) == Decimal("1500.00")
    assert services.contests_close_entries(now=contest.entry_deadline) == 0


def test_deadline_closes_a_contest_without_valid_entries_and_refunds_the_prize():
    contest = open_contest()
    entry = submit(contest)
    services.entry_withdraw(author=entry.author, entry_id=entry.pk)
    assert services.contests_close_entries(now=contest.entry_deadline) == 1
    contest.refresh_from_db()
    assert contest.status == Status.CLOSED
    assert escrow_balance(reference=contest.escrow_reference) == 0
    assert escrow_moved(reference=contest.escrow_reference, kind=REFUNDED) == Decimal("1500.00")
    count = movements(contest)
    assert (
        services.contest_deadline_pass(contest_id=contest.pk, now=contest.entry_deadline) is False
    )
    assert movements(contest) == count


def test_auto_award_follows_the_rating_then_the_earliest_entry():
    contest = open_contest(prizes=["900", "500", "100"])
    now = timezone.now()
    early = submit(contest, now=now)
    late_rated = submit(contest, now=now + timedelta(hours=2))
    later = submit(contest, now=now + timedelta(hours=1))
    unrated = submit(contest, now=now + timedelta(hours=3))
    services.entry_rate(client=contest.client, entry_id=late_rated.pk, rating=5)
    services.entry_rate(client=contest.client, entry_id=early.pk, rating=3)
    services.entry_rate(client=contest.client, entry_id=later.pk, rating=3)
    services.contests_close_entries(now=contest.entry_deadline)
    contest.refresh_from_db()
    assert services.contests_award_overdue(now=contest.judging_ends_at - timedelta(seconds=1)) == 0
    assert services.contests_award_overdue(now=contest.judging_ends_at) == 1
    contest.refresh_from_db()
    places = dict(contest.entries.values_list("pk", "place"))
    assert places == {late_rated.pk: 1, early.pk: 2, later.pk: 3, unrated.pk: None}
    assert contest.status == Status.AWARDED
    change = contest.status_changes.last()
    assert (change.actor, change.reason) == (None, services.AUTO_AWARD_REASON)
    assert escrow_balance(reference=contest.escrow_reference) == 0
    count = movements(contest)
    assert services.contests_award_overdue(now=contest.judging_ends_at) == 0
    assert movements(contest) == count


def test_auto_award_skips_entries_set_aside_and_refunds_unfilled_places():
    contest, (kept, set_aside) = judging_contest(prizes=["700", "300"])
    services.entry_rate(client=contest.client, entry_id=set_aside.pk, rating=5)
    services.entry_mark_not_valid(client=contest.client, entry_id=set_aside.pk, reason="Copied")
    services.contests_award_overdue(now=contest.judging_ends_at)
    kept.refresh_from_db()
    set_aside.refresh_from_db()
    assert (kept.place, set_aside.place) == (1, None)
    assert set_aside.status == EntryStatus.NOT_VALID
    reference = contest.escrow_reference
    assert (
        escrow_moved(reference=reference, kind=RELEASED),
        escrow_moved(reference=reference, kind=REFUNDED),
    ) == (
        Decimal("700.00"),
        Decimal("300.00"),
    )
    assert escrow_balance(reference=contest.escrow_reference) == 0


def test_the_beat_tasks_run_on_the_current_time():
    # given a contest published three days ago whose deadline passed yesterday
    now = timezone.now()
    contest = open_contest(
        now=now - timedelta(days=3), entry_deadline=now - timedelta(days=1), judging_days=1
    )
    # when the deadline job runs (no entries), the contest closes and is refunded
    assert tasks.close_contest_entries() == 1
    assert tasks.award_overdue_contests() == 0
    contest.refresh_from_db()
    assert contest.status == Status.CLOSED
    assert escrow_balance(reference=contest.escrow_reference) == 0
    # and running both again changes nothing
    assert (tasks.close_contest_entries(), tasks.award_overdue_contests()) == (0, 0)


def test_the_award_task_awards_a_contest_whose_judging_ended():
    now = timezone.now()
    contest = open_contest(
        now=now - timedelta(days=4), entry_deadline=now - timedelta(days=2), judging_days=1
    )
    entry = submit(contest, now=now - timedelta(days=3))
    services.contest_deadline_pass(contest_id=contest.pk, now=contest.entry_deadline)
    assert tasks.award_overdue_contests() == 1
    entry.refresh_from_db()
    assert entry.place == 1
    assert escrow_balance(reference=contest.escrow_reference) == 0
