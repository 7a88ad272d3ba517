"""The periodic jobs are scheduled, and each is safe to run again."""

import pytest
from django.conf import settings
from django.core import mail

from jiedan.config.celery import app
from jiedan.notifications import tasks
from jiedan.notifications.kinds import Category, EmailMode
from jiedan.notifications.services import preferences_update

from .helpers import contract_data, sent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def test_the_jobs_are_in_the_beat_schedule():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in ("email_due_message_batches", "email_daily_digests", "email_weekly_digests"):
        task = f"jiedan.notifications.tasks.{name}"
        assert task in scheduled
        assert task in app.tasks


def test_the_weekly_digest_job_sends_once(user, django_capture_on_commit_callbacks):
    preferences_update(user=user, changes={Category.CONTRACTS: (True, EmailMode.WEEKLY)})
    sent(
        django_capture_on_commit_callbacks,
        recipient_id=user.pk,
        kind="contract.ended",
        data=contract_data(),
    )
    assert tasks.email_daily_digests.apply().get() == 0
    assert tasks.email_weekly_digests.apply().get() == 1
    assert tasks.email_weekly_digests.apply().get() == 0
    assert len(mail.outbox) == 1
    assert tasks.email_due_message_batches.apply().get() == 0
