"""Slot reservation under concurrency: freelancers racing for the last slot of a task.

Real row locks need PostgreSQL; SQLite serialises whole write transactions, so the race
cannot happen there and the test is skipped."""

import threading

import pytest
from django.db import connection, connections

from jiedan.core.errors import Conflict
from jiedan.piecework import services
from jiedan.piecework.models import Piece, PieceStatus
from tests.factories import UserFactory

from .factories import open_task

pytestmark = pytest.mark.django_db(transaction=True)
RACERS = 6


def race(task, authors, texts) -> list:
    """Every author submits at the same moment; returns what each call returned or raised."""
    barrier = threading.Barrier(len(authors))
    results = [None] * len(authors)

    def run(index):
        try:
            barrier.wait()
            results[index] = services.piece_submit(
                author=authors[index], task_id=task.pk, text=texts[index]
            )
        except Conflict as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(authors))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (SELECT … FOR UPDATE) need PostgreSQL; run with DATABASE_URL set",
)
def test_only_one_freelancer_gets_the_last_slot():
    # given a task with one slot left
    task = open_task(pieces_wanted=2, max_per_freelancer=None)
    services.piece_submit(author=UserFactory(), task_id=task.pk, text="first")
    authors = [UserFactory() for _ in range(RACERS)]
    # when they all try for it at once
    results = race(task, authors, [f"racer {i}" for i in range(RACERS)])
    # then exactly one wins and the others hear why
    assert sum(isinstance(result, Piece) for result in results) == 1
    assert {r.code for r in results if isinstance(r, Conflict)} == {"no_slots_left"}
    assert task.pieces.filter(status__in=[PieceStatus.PENDING]).count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (SELECT … FOR UPDATE) need PostgreSQL; run with DATABASE_URL set",
)
def test_one_freelancer_racing_themselves_stays_within_their_maximum():
    task = open_task(pieces_wanted=10, max_per_freelancer=2)
    author = UserFactory()
    results = race(task, [author] * RACERS, [f"copy {i}" for i in range(RACERS)])
    assert sum(isinstance(result, Piece) for result in results) == 2
    assert task.pieces.filter(author=author).count() == 2
