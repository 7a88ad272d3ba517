"""Celery application. Without ``REDIS_URL`` tasks run eagerly, in-process, after commit.

Every task is sent again, with backoff, when the database could not be reached (a restart, a
dropped connection): tasks take primary keys and are safe to run again, and a failed task is
acknowledged and gone, so without this a job met by a database restart would be lost.
"""

import os

from celery import Celery, Task
from django.db import InterfaceError, OperationalError

# Servers and workers start in production mode unless told otherwise (``make run`` says local).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiedan.config.settings.production")

DATABASE_RETRIES = 8  # 2, 4, 8 … 60 s apart: about five minutes in all


class JiedanTask(Task):
    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            wait = min(2 ** (self.request.retries + 1), 60)
            raise self.retry(exc=error, countdown=wait, max_retries=DATABASE_RETRIES) from error


app = Celery("jiedan", task_cls=JiedanTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
