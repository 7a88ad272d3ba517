"""The double-blind under concurrency, on PostgreSQL: both parties submitting at the same
moment still reveal both reviews (the contract row is locked first), and the reveal job racing
a late submission reveals each review once. SQLite serialises whole write transactions, so
these races cannot happen there and the tests are skipped."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from jiedan.notifications.models import Notification
from jiedan.reviews.models import Review
from jiedan.reviews.services import review_reminders_send

from .factories import completed_contract, review

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) need PostgreSQL; run with DATABASE_URL set",
    ),
]


def race(*calls) -> list:
    """Run every call at the same moment in its own thread; returns what each returned or
    raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index):
        try:
            barrier.wait()
            results[index] = calls[index]()
        except Exception as error:  # kept for the test to judge
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_both_parties_submitting_at_once_reveal_both(attempt):
    contract = completed_contract()
    results = race(
        lambda: review(contract, contract.client),
        lambda: review(contract, contract.freelancer),
    )
    assert all(isinstance(result, Review) for result in results), results
    assert Review.objects.filter(revealed_at__isnull=True).count() == 0
    assert Notification.objects.filter(kind="review.received").count() == 2


def test_the_same_party_twice_at_once_writes_one_review():
    contract = completed_contract()
    results = race(*(lambda: review(contract, contract.client) for _ in range(4)))
    assert sum(isinstance(result, Review) for result in results) == 1
    assert Review.objects.count() == 1


def test_reminder_jobs_at_once_remind_once(settings):
    settings.JIEDAN_REVIEW_WINDOW_DAYS = 14
    ended = timezone.now() - 12 * timedelta(days=1)
    completed_contract(ended=ended)
    now = timezone.now()
    results = race(*(lambda: review_reminders_send(now=now) for _ in range(3)))
    assert sum(results) == 2, results
    assert Notification.objects.filter(kind="review.reminder").count() == 2
