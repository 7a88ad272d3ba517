"""Celery application. Without ``REDIS_URL`` tasks run eagerly, in-process, after commit."""

import os

from celery import Celery

# Servers and workers start in production mode unless told otherwise (``make run`` says local).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiedan.config.settings.production")

app = Celery("jiedan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
