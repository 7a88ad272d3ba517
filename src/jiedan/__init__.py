"""Jiedan (接单): a free, open-source freelance marketplace."""

from .config.celery import app as celery_app

__all__ = ["celery_app"]
