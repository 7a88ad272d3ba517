"""Reads for the web shell: the account checklist, the header's unread figures and the
readiness of backing services."""

import logging
from dataclasses import dataclass

import redis
from allauth.account.models import EmailAddress
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from jiedan.messaging.selectors import unread_messages
from jiedan.notifications.selectors import unread as unread_notifications

logger = logging.getLogger(__name__)


def service_status() -> dict[str, bool]:
    """Whether each backing service answers: the database always, Redis when configured."""
    status = {"database": _database_ok()}
    if settings.REDIS_URL:
        status["redis"] = _redis_ok(settings.REDIS_URL)
    return status


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("readiness: database unreachable", exc_info=True)
        return False


def _redis_ok(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        logger.warning("readiness: redis unreachable", exc_info=True)
        return False


def account_checklist(*, user) -> list[dict]:
    """The first steps every account should take, each with whether it is done."""
    return [
        {
            "done": EmailAddress.objects.filter(user=user, verified=True).exists(),
            "label": _("Confirm your e-mail address"),
            "url": reverse("account_email"),
        },
        {
            "done": bool(user.display_name),
            "label": _("Choose the name others will see"),
            "url": reverse("accounts:settings"),
        },
        {
            "done": is_mfa_enabled(user),
            "label": _("Protect your account with two-factor authentication"),
            "url": reverse("mfa_index"),
        },
    ]


@dataclass(frozen=True)
class HeaderCounts:
    notifications: int
    messages: int


def _count(rows: QuerySet) -> Coalesce:
    counted = rows.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("*"))
    return Coalesce(Subquery(counted.values("n")), 0, output_field=IntegerField())


def header_counts(*, user_id: int) -> HeaderCounts:
    """The header's unread notifications and unread messages, in one query."""
    notifications, messages = (
        get_user_model()
        .objects.filter(pk=user_id)
        .annotate(
            notes=_count(unread_notifications(user_id=user_id)),
            msgs=_count(unread_messages(user_id=user_id)),
        )
        .values_list("notes", "msgs")
        .get()
    )
    return HeaderCounts(notifications=notifications, messages=messages)
