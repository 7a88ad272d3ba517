"""With Redis stopped the site keeps working: the cache degrades to misses (rate limits let
requests through), live pushes are dropped without failing the action that caused them, and
background jobs the broker refuses are kept in the database and sent once it is back."""

import pytest
from django.core.cache import cache
from django.test import Client

from jiedan.config.celery import app as celery_app
from jiedan.core.jobs import deferred_jobs_resend, enqueue_after_commit
from jiedan.core.models import DeferredJob
from jiedan.core.ratelimit import ratelimit_hit
from jiedan.matching.models import Embedding
from jiedan.messaging.models import Message
from jiedan.messaging.services import conversation_open_for_subject, message_send
from jiedan.notifications.models import Notification
from jiedan.notifications.services import notification_send
from jiedan.search.models import SearchDocument
from tests.contracts.factories import active_contract
from tests.factories import UserFactory
from tests.projects.factories import open_project

pytestmark = pytest.mark.django_db

NOTHING_LISTENS = "redis://127.0.0.1:1/0"  # a real connection, refused
EMBED = "jiedan.matching.tasks.embed_text"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "jiedan.ops.cache.ResilientRedisCache",
            "LOCATION": NOTHING_LISTENS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def _use_broker(url: str, *, eager: bool) -> None:
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = url, eager
    celery_app._pool = celery_app.amqp._producer_pool = None  # connect to the new address


@pytest.fixture
def broker_down():
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    _use_broker(NOTHING_LISTENS, eager=False)
    yield
    _use_broker(saved[0], eager=saved[1])


def test_pages_and_rate_limits_work_while_the_cache_is_unreachable(cache_down, caplog):
    # given Redis stopped under the cache
    project = open_project(title="Logo for a tea shop")
    # when people browse and search
    browse = Client().get("/en/projects/", {"q": "logo"})
    detail = Client().get(f"/en/projects/{project.pk}/")
    # then the pages are served, and the outage is logged
    assert browse.status_code == detail.status_code == 200
    assert "cache unreachable" in caplog.text
    # and reads miss, writes are dropped, counters start again (rate limits let them through)
    cache.set("k", 1)
    assert cache.get("k", "missing") == "missing"
    assert cache.get_or_set("v", lambda: "computed") == "computed"
    for _ in range(5):
        ratelimit_hit(scope="outage", key="someone", rate="1/60")


@pytest.fixture
def live_channel_down(settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": NOTHING_LISTENS, "socket_timeout": 1}]},
        }
    }


def test_a_notification_is_stored_while_the_live_channel_is_unreachable(
    live_channel_down, django_capture_on_commit_callbacks
):
    # given the channel layer's Redis stopped
    recipient = UserFactory()
    # when a notification is sent and its transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            recipient_id=recipient.pk,
            kind="contract.ended",
            data={"contract_id": 1, "title": "Tea shop website"},
        )
    # then it is stored (the live push was dropped, not the action)
    assert Notification.objects.filter(recipient=recipient).count() == 1


def test_jobs_the_broker_refuses_are_kept_and_sent_once_it_is_back(
    broker_down, django_capture_on_commit_callbacks
):
    # given an indexed text whose vector job is queued while the broker is down
    SearchDocument.objects.create(kind="service", object_id=7, tokens="logo design")
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_after_commit(EMBED, ("service", 7, "logo design"))
    # then the job is kept, nothing ran, and resending while still down keeps it
    (job,) = DeferredJob.objects.all()
    assert (job.task, job.args) == (EMBED, ["service", 7, "logo design"])
    assert not Embedding.objects.exists()
    assert deferred_jobs_resend() == 0
    assert DeferredJob.objects.get().attempts == 1
    # when the broker is back (jobs run where they are sent here)
    _use_broker("memory://", eager=True)
    # then the resend sends it, it runs once, and it is no longer kept
    assert deferred_jobs_resend() == 1
    assert Embedding.objects.filter(kind="service", object_id=7).count() == 1
    assert not DeferredJob.objects.exists()


def test_a_message_is_sent_while_the_live_channel_is_unreachable(
    live_channel_down, django_capture_on_commit_callbacks
):
    # given the channel layer's Redis stopped, and the conversation of a contract
    contract = active_contract()
    conversation = conversation_open_for_subject(
        user=contract.client, kind="contract", subject_id=contract.pk
    )
    # when the client sends a message (its live pushes go out together after commit)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(sender=contract.client, conversation_id=conversation.pk, body="Any news?")
    # then the send succeeded and the message is stored; only the live pushes were dropped
    assert Message.objects.filter(conversation=conversation).count() == 1
