"""Contests under concurrency: double awards, a cancel racing an entry, an author racing the
entry limit. Real row locks need PostgreSQL; SQLite serialises whole write transactions, so
the races cannot happen there and the tests are skipped."""

import threading

import pytest
from django.db import connection, connections

from jiedan.contests import services
from jiedan.contests.models import MAX_ENTRIES_PER_AUTHOR, Entry, EntryStatus, Status
from jiedan.core.errors import DomainError
from jiedan.escrow.selectors import escrow_balance
from tests.escrow.helpers import RELEASED, escrow_journals
from tests.factories import UserFactory

from .factories import image_upload, judging_contest, open_contest

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) need PostgreSQL; run with DATABASE_URL set",
    ),
]
RACERS = 6


def race(*calls) -> list:
    """Run every call at the same moment; returns what each returned or the domain error."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index):
        try:
            barrier.wait()
            results[index] = calls[index]()
        except DomainError as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_awards_pay_each_place_once():
    contest, (first, second) = judging_contest()

    def award():
        return services.contest_award(
            client=contest.client, contest_id=contest.pk, entry_ids=[first.pk, second.pk]
        )

    results = race(*[award] * RACERS)
    assert sum(not isinstance(result, DomainError) for result in results) == 1
    releases = escrow_journals(contest.escrow_reference, RELEASED)
    assert releases.count() == 2
    assert escrow_balance(reference=contest.escrow_reference) == 0


def test_cancel_racing_an_entry_never_breaks_the_guarantee():
    for _round in range(3):
        contest = open_contest()
        author = UserFactory()
        race(
            lambda contest=contest: services.contest_cancel(
                client=contest.client, contest_id=contest.pk
            ),
            lambda contest=contest, author=author: services.entry_submit(
                author=author, contest_id=contest.pk, title="Entry", uploads=[image_upload()]
            ),
        )
        contest.refresh_from_db()
        valid = contest.entries.filter(status=EntryStatus.SUBMITTED).count()
        if contest.status == Status.CANCELLED:
            assert valid == 0
            assert escrow_balance(reference=contest.escrow_reference) == 0
        else:
            assert (contest.status, valid) == (Status.OPEN, 1)
            assert escrow_balance(reference=contest.escrow_reference) == 1500


def test_an_author_racing_themselves_stays_within_the_entry_limit():
    contest = open_contest()
    author = UserFactory()

    def enter():
        return services.entry_submit(
            author=author, contest_id=contest.pk, title="Copy", uploads=[image_upload()]
        )

    results = race(*[enter] * (MAX_ENTRIES_PER_AUTHOR + 3))
    assert sum(isinstance(result, Entry) for result in results) == MAX_ENTRIES_PER_AUTHOR
    assert contest.entries.filter(author=author).count() == MAX_ENTRIES_PER_AUTHOR
