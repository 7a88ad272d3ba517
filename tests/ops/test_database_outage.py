"""While the database cannot be reached (a restart, a dropped connection) the site answers 503
with Retry-After, pages and API alike, a money request retried after it moves the money once,
and a background job that met the outage runs again instead of being lost."""

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from celery.signals import task_retry
from django.db import OperationalError, connections
from django.db.utils import load_backend
from django.test import Client
from django.utils import timezone

from jiedan.contracts.models import MilestoneStatus
from jiedan.core.models import IdempotentRequest
from jiedan.core.tasks import purge_idempotent_requests
from jiedan.ledger.models import Journal
from tests.contracts.factories import active_contract
from tests.factories import UserFactory, bearer
from tests.ledger.helpers import top_up

pytestmark = pytest.mark.django_db


class Outage:
    """Inside ``with``: the default connection points where no database answers, as during a
    restart, until the block ends or ``end()`` brings the real one back."""

    def __enter__(self):
        self.real = connections["default"]
        settings = dict(self.real.settings_dict)
        if self.real.vendor == "sqlite":
            settings["NAME"] = str(Path(tempfile.gettempdir()) / "no-such-folder" / "x.sqlite3")
        else:
            settings["HOST"], settings["PORT"] = "127.0.0.1", "1"
        self.down = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "default")
        connections["default"] = self.down
        return self

    def end(self):
        connections["default"] = self.real

    def __exit__(self, *exc):
        self.end()
        self.down.close()


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


def test_a_page_is_a_503_with_retry_after(browser):
    # when someone opens a page that reads the database while it is unreachable
    with Outage():
        response = browser.get("/en/projects/")
    # then they get the static "briefly unavailable" page, to reload in a few seconds
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Briefly unavailable" in response.content.decode()


def test_an_api_call_is_a_json_503_with_retry_after(browser):
    # when an API client lists projects while the database is unreachable
    with Outage():
        response = browser.get("/api/v1/projects", HTTP_ACCEPT_LANGUAGE="en")
    # then it gets the error shape with a code it can act on
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "unavailable"


def test_a_money_request_refused_in_the_outage_moves_the_money_once_when_retried(browser):
    # given a client with money and an active contract
    contract = active_contract()
    top_up(contract.client, "1000")
    milestone = contract.milestones.get(position=1)
    headers = {**bearer(contract.client), "HTTP_IDEMPOTENCY_KEY": "fund-once"}
    path = f"/api/v1/contracts/milestones/{milestone.pk}/fund"
    # when the client funds a milestone while the database is unreachable
    with Outage():
        refused = browser.post(path, **headers)
    # then it is told to retry, and nothing moved
    assert refused.status_code == 503
    assert refused["Retry-After"] == "5"
    assert not Journal.objects.filter(kind="escrow.held").exists()
    # when it sends the same request again once the database is back
    retried = browser.post(path, **headers)
    # then the milestone is funded, by exactly one journal
    assert retried.status_code == 200
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.FUNDED
    assert Journal.objects.filter(kind="escrow.held").count() == 1


def test_a_job_that_meets_the_outage_runs_again_instead_of_being_lost():
    # given a key old enough to be purged
    old = timezone.now() - timedelta(days=30)
    row = IdempotentRequest.objects.create(
        user=UserFactory(), key="old", scope="s", fingerprint="f", created_at=old
    )
    retried_for = []
    with Outage() as outage:

        def database_back(sender=None, reason=None, **kwargs):
            retried_for.append(reason.exc)
            outage.end()

        task_retry.connect(database_back)
        try:
            # when the purge job starts while the database is unreachable, and it comes back
            result = purge_idempotent_requests.apply(throw=False)
        finally:
            task_retry.disconnect(database_back)
    # then the job was sent again once, for the database, and the retry did the work
    assert [type(error) for error in retried_for] == [OperationalError]
    assert result.get() == 1
    assert not IdempotentRequest.objects.filter(pk=row.pk).exists()
