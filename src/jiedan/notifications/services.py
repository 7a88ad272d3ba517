"""Telling people things: store the notification, push it live after commit, e-mail it as the
recipient chose (at once from a background job, batched for messages, or in a digest).

Domain code calls ``notification_send``; this app never imports domain services.
"""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import InvalidInput, NotFound
from jiedan.core.jobs import enqueue_after_commit

from . import emails, selectors
from .kinds import MESSAGE_RECEIVED, Category, EmailMode, kind_get
from .models import Notification, NotificationPreference
from .realtime import user_event_push

LIVE_EVENT = "notification.new"
# Pushed when notifications were marked read, so other open pages' bells follow.
COUNT_EVENT = "notifications.unread"
# At most one e-mail per conversation in this time; later messages wait for the next one.
MESSAGE_EMAIL_EVERY = timedelta(minutes=15)


def _after_commit(task: str, *args) -> None:
    """Queue the Celery task at this dotted path once the transaction commits (named by path:
    the tasks module imports the services, not the other way round)."""
    enqueue_after_commit(task, args)


def _push_new(notification_id: int) -> None:
    """The live "notification.new" event: text and link in the recipient's language, and the
    unread count."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    with translation.override(emails.recipient_language(recipient)):
        view = selectors.notification_view(notification)
    user_event_push(
        user_id=recipient.pk,
        event=LIVE_EVENT,
        data={
            "id": view["id"],
            "kind": view["kind"],
            "text": view["text"],
            "url": view["url"],
            "unread_count": selectors.unread_count(user_id=recipient.pk),
        },
    )


@transaction.atomic
def notification_send(*, recipient_id: int, kind: str, data: dict, actor=None):
    """Store a notification for ``recipient_id`` and, after commit, push it live and e-mail it
    per the recipient's preference for the kind's category.

    Nobody is notified of their own action (``actor`` is the recipient: nothing happens).
    A category switched off in-app is stored hidden when it is still e-mailed, and not at all
    when it is neither. ``data`` carries the names and titles the text needs; the actor's
    name is added as ``actor_name``. An unknown kind raises ``LookupError``.
    """
    spec = kind_get(kind)
    if actor is not None and actor.pk == recipient_id:
        return None
    in_app, email_mode = selectors.preference_of(user_id=recipient_id, category=spec.category)
    if not spec.emails:
        email_mode = EmailMode.OFF
    if not in_app and email_mode == EmailMode.OFF:
        return None
    if actor is not None:
        data = {"actor_name": actor.get_short_name(), **data}
    notification = Notification.objects.create(
        recipient_id=recipient_id,
        kind=kind,
        category=spec.category,
        data=data,
        actor=actor,
        in_app=in_app,
        email_mode=email_mode,
    )
    if in_app:
        transaction.on_commit(lambda: _push_new(notification.pk))
    if email_mode == EmailMode.INSTANT and kind == MESSAGE_RECEIVED:
        conversation_id = data.get("conversation_id")
        _after_commit(
            "jiedan.notifications.tasks.email_message_batch", recipient_id, conversation_id
        )
    elif email_mode == EmailMode.INSTANT:
        _after_commit("jiedan.notifications.tasks.email_notification", notification.pk)
    return notification


def _own(user, notification_id: int) -> Notification:
    notification = (
        Notification.objects.select_for_update()
        .filter(pk=notification_id, recipient_id=user.pk, in_app=True)
        .first()
    )
    if notification is None:
        raise NotFound(_("No such notification."), code="notification_not_found")
    return notification


def _push_count(user_id: int) -> None:
    """After commit, tell the user's open pages their unread count (counted then)."""

    def push():
        count = selectors.unread_count(user_id=user_id)
        user_event_push(user_id=user_id, event=COUNT_EVENT, data={"unread_count": count})

    transaction.on_commit(push)


@transaction.atomic
def notification_mark_read(*, user, notification_id: int, now=None) -> Notification:
    """Mark one of the user's notifications read (again: nothing changes). Another person's
    notification is ``NotFound``."""
    notification = _own(user, notification_id)
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
        _push_count(user.pk)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user, now=None) -> int:
    """Mark every unread notification of the user read; returns how many."""
    unread = selectors.shown_to(user_id=user.pk).filter(read_at__isnull=True)
    marked = unread.update(read_at=now or timezone.now())
    if marked:
        _push_count(user.pk)
    return marked


def notifications_mark_read_about(*, user_id: int, kind: str, about: dict, now=None) -> int:
    """Mark read the user's unread notifications of ``kind`` whose data match ``about`` (e.g.
    the messages of a conversation once it is read there); returns how many."""
    matching = {f"data__{key}": value for key, value in about.items()}
    unread = Notification.objects.filter(
        recipient_id=user_id, kind=kind, read_at__isnull=True, **matching
    )
    marked = unread.update(read_at=now or timezone.now())
    if marked:
        _push_count(user_id)
    return marked


@transaction.atomic
def preferences_update(*, user, changes: dict[str, tuple[bool, str]]) -> dict:
    """Set (in-app on, e-mail mode) for the categories given; the others keep theirs. Returns
    every category's preference. Notifications already sent keep the mode they had."""
    for category, (in_app, email) in changes.items():
        if category not in Category.values:
            raise InvalidInput(_("Choose a category from the list."), code="unknown_category")
        if email not in EmailMode.values:
            raise InvalidInput(_("Choose how often to be e-mailed."), code="unknown_email_mode")
        NotificationPreference.objects.update_or_create(
            user=user, category=category, defaults={"in_app": bool(in_app), "email": email}
        )
    return selectors.preferences_of(user_id=user.pk)


# --- e-mail ----------------------------------------------------------------------------------


@transaction.atomic
def notification_email_send(*, notification_id: int, now=None) -> bool:
    """E-mail one notification set to "at once", once (the row is locked and re-checked)."""
    notification = (
        Notification.objects.select_for_update()
        .filter(pk=notification_id, email_mode=EmailMode.INSTANT, emailed_at__isnull=True)
        .select_related("recipient")
        .first()
    )
    if notification is None:
        return False
    notification.emailed_at = now or timezone.now()
    notification.save(update_fields=["emailed_at"])
    emails.notification_email(notification.recipient, notification)
    return True


def _message_rows(recipient_id: int, conversation_id):
    return Notification.objects.filter(
        recipient_id=recipient_id,
        kind=MESSAGE_RECEIVED,
        email_mode=EmailMode.INSTANT,
        data__conversation_id=conversation_id,
    )


@transaction.atomic
def message_batch_email_send(*, recipient_id: int, conversation_id, now=None) -> bool:
    """At most one e-mail per conversation per ``MESSAGE_EMAIL_EVERY``: it summarises the
    conversation's messages the recipient has neither read nor been e-mailed about. While the
    last one is younger than that, nothing is sent; ``message_batches_send_due`` sends the
    rest once the time is up."""
    now = now or timezone.now()
    pending = list(
        _message_rows(recipient_id, conversation_id)
        .select_for_update()
        .filter(emailed_at__isnull=True, read_at__isnull=True)
        .order_by("pk")
    )
    if not pending:
        return False
    recent = _message_rows(recipient_id, conversation_id).filter(
        emailed_at__gt=now - MESSAGE_EMAIL_EVERY
    )
    if recent.exists():
        return False
    Notification.objects.filter(pk__in=[row.pk for row in pending]).update(emailed_at=now)
    recipient = get_user_model().objects.get(pk=recipient_id)
    emails.messages_email(recipient, pending)
    return True


def message_batches_send_due(*, now=None, limit: int = 500) -> int:
    """Send every conversation summary whose waiting time is over (the periodic job)."""
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(
            kind=MESSAGE_RECEIVED,
            email_mode=EmailMode.INSTANT,
            emailed_at__isnull=True,
            read_at__isnull=True,
        )
        .values_list("recipient_id", "data__conversation_id")
        .distinct()
        .order_by("recipient_id")[:limit]
    )
    return sum(
        message_batch_email_send(recipient_id=recipient_id, conversation_id=conversation, now=now)
        for recipient_id, conversation in list(waiting)
    )


@transaction.atomic
def _digest_send(*, recipient_id: int, mode: str, now: datetime) -> bool:
    pending = list(
        Notification.objects.select_for_update()
        .filter(
            recipient_id=recipient_id,
            email_mode=mode,
            emailed_at__isnull=True,
            created_at__lte=now,
        )
        .order_by("pk")
    )
    if not pending:
        return False
    Notification.objects.filter(pk__in=[row.pk for row in pending]).update(emailed_at=now)
    recipient = get_user_model().objects.get(pk=recipient_id)
    emails.digest_email(recipient, pending, mode=mode)
    return True


def notification_digests_send(*, mode: str, now=None, limit: int = 1000) -> int:
    """One digest e-mail per person with notifications waiting in ``mode`` (daily or
    weekly), marking them e-mailed. Safe to run again: what went out is not sent twice.
    Returns how many e-mails were sent."""
    if mode not in (EmailMode.DAILY, EmailMode.WEEKLY):
        raise ValueError(f"not a digest mode: {mode!r}")
    now = now or timezone.now()
    recipients = (
        Notification.objects.filter(email_mode=mode, emailed_at__isnull=True, created_at__lte=now)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")[:limit]
    )
    return sum(
        _digest_send(recipient_id=recipient_id, mode=mode, now=now)
        for recipient_id in list(recipients)
    )
