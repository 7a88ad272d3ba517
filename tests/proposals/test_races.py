"""Proposals under concurrency: one freelancer firing many submits at once stays within the
monthly quota and never gets two proposals on one project.

Real row locks need PostgreSQL; SQLite serialises whole write transactions, so these races
cannot happen there and the tests are skipped."""

import threading

import pytest
from django.db import connection, connections

from jiedan.core.errors import Conflict
from jiedan.proposals.models import Proposal
from jiedan.proposals.services import proposal_submit
from tests.factories import UserFactory
from tests.projects.factories import open_project

from .factories import details

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) need PostgreSQL; run with DATABASE_URL set",
    ),
]
RACERS = 6


def race(freelancer, project_ids) -> list:
    """Submit on every project at the same moment; what each call returned or raised."""
    barrier = threading.Barrier(len(project_ids))
    results = [None] * len(project_ids)

    def run(index):
        try:
            barrier.wait()
            results[index] = proposal_submit(
                freelancer=freelancer, project_id=project_ids[index], details=details()
            )
        except Conflict as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(project_ids))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_parallel_submits_stay_within_the_quota(settings):
    # given a quota of two and six open projects
    settings.PROPOSALS_MONTHLY_QUOTA = 2
    freelancer = UserFactory()
    projects = [open_project().pk for _ in range(RACERS)]
    # when the freelancer submits on all six at once
    results = race(freelancer, projects)
    # then exactly two go through and the rest are told the quota is used
    assert sum(isinstance(result, Proposal) for result in results) == 2
    assert {r.code for r in results if isinstance(r, Conflict)} == {"quota_exhausted"}
    assert Proposal.objects.filter(freelancer=freelancer).count() == 2


def test_parallel_submits_on_one_project_make_one_proposal():
    freelancer = UserFactory()
    project = open_project()
    results = race(freelancer, [project.pk] * RACERS)
    assert sum(isinstance(result, Proposal) for result in results) == 1
    assert {r.code for r in results if isinstance(r, Conflict)} == {"proposal_exists"}
    assert Proposal.objects.filter(project=project).count() == 1
