"""Sending, reading and e-mailing notifications through the real services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation

from jiedan.core.errors import InvalidInput, NotFound
from jiedan.notifications import selectors, services
from jiedan.notifications.kinds import MESSAGE_RECEIVED, Category, EmailMode, kind_text
from jiedan.notifications.models import Notification
from jiedan.notifications.services import (
    MESSAGE_EMAIL_EVERY,
    message_batch_email_send,
    message_batches_send_due,
    notification_digests_send,
    notification_mark_read,
    notification_send,
    notifications_mark_all_read,
    preferences_update,
)
from tests.factories import UserFactory

from .helpers import contract_data, listen, sent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


class Rollback(Exception):
    pass


def test_a_notification_is_stored_and_pushed_live_after_commit(
    user, other_user, django_capture_on_commit_callbacks
):
    # given someone listening on their live channel
    events = listen(user)
    # when a notification is sent (nothing is pushed before commit: see the rollback test)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notification_send(
            recipient_id=user.pk, kind="contract.offered", data=contract_data(), actor=other_user
        )
    # then it is stored with the actor's name, and pushed once the transaction commits
    assert callbacks
    assert notification.recipient_id == user.pk
    assert notification.category == Category.CONTRACTS
    assert notification.data["actor_name"] == other_user.get_short_name()
    [(_event, data)] = [event for event in events() if event[0] == "notification.new"]
    assert data["id"] == notification.pk
    assert data["unread_count"] == 1
    assert "Tea shop website" in data["text"]
    assert data["url"].endswith("/contracts/1/")


def test_nothing_is_stored_or_pushed_when_the_transaction_rolls_back(user):
    events = listen(user)
    with pytest.raises(Rollback), transaction.atomic():
        notification_send(recipient_id=user.pk, kind="contract.ended", data=contract_data())
        raise Rollback
    assert not Notification.objects.exists()
    assert events() == []
    assert mail.outbox == []


def test_the_live_text_is_in_the_recipients_language(django_capture_on_commit_callbacks):
    chinese, english = UserFactory(language="zh-hans"), UserFactory(language="en")
    heard = {user.pk: listen(user) for user in (chinese, english)}
    for user in (chinese, english):
        sent(
            django_capture_on_commit_callbacks,
            recipient_id=user.pk,
            kind="contract.ended",
            data=contract_data(),
        )
    [(_, zh)] = heard[chinese.pk]()
    [(_, en)] = heard[english.pk]()
    assert en["text"] == "The contract “Tea shop website” has ended"
    with translation.override("zh-hans"):
        assert zh["text"] == kind_text("contract.ended", contract_data())
    assert zh["url"].startswith("/zh-hans/") and en["url"].startswith("/en/")


def test_nobody_is_notified_of_their_own_action(user, django_capture_on_commit_callbacks):
    result = sent(
        django_capture_on_commit_callbacks,
        recipient_id=user.pk,
        kind="contract.accepted",
        data=contract_data(),
        actor=user,
    )
    assert result is None
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_an_instant_email_goes_out_after_commit_in_the_recipients_language(
    django_capture_on_commit_callbacks,
):
    # given a person who reads English, with contracts e-mailed at once (the default)
    english = UserFactory(language="en")
    # when a notification is sent
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notification_send(
            recipient_id=english.pk, kind="contract.ended", data=contract_data()
        )
    # then nothing is mailed before commit, one e-mail after
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == [english.email]
    assert message.subject == "The contract “Tea shop website” has ended"
    assert "http" in message.body and "/en/contracts/1/" in message.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    # and sending it again does nothing more
    assert services.notification_email_send(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_the_email_of_someone_without_a_language_is_in_the_default_one(
    user, django_capture_on_commit_callbacks
):
    sent(
        django_capture_on_commit_callbacks,
        recipient_id=user.pk,
        kind="contract.ended",
        data=contract_data(),
    )
    [message] = mail.outbox
    assert "/zh-hans/contracts/1/" in message.body
    with translation.override("zh-hans"):
        assert message.subject == kind_text("contract.ended", contract_data())


def test_a_category_switched_off_in_the_app_is_hidden_but_still_emailed(
    user, django_capture_on_commit_callbacks
):
    preferences_update(user=user, changes={Category.CONTRACTS: (False, EmailMode.INSTANT)})
    events = listen(user)
    notification = sent(
        django_capture_on_commit_callbacks,
        recipient_id=user.pk,
        kind="contract.ended",
        data=contract_data(),
    )
    assert notification.in_app is False
    assert events() == []
    assert selectors.unread_count(user_id=user.pk) == 0
    assert len(mail.outbox) == 1


def test_a_category_switched_off_everywhere_stores_nothing(
    user, django_capture_on_commit_callbacks
):
    preferences_update(user=user, changes={Category.CONTRACTS: (False, EmailMode.OFF)})
    result = sent(
        django_capture_on_commit_callbacks,
        recipient_id=user.pk,
        kind="contract.ended",
        data=contract_data(),
    )
    assert result is None
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_kinds_emailed_elsewhere_are_never_emailed_here(user, django_capture_on_commit_callbacks):
    # saved-search alerts and auto-approval reminders have their own e-mails
    notification = sent(
        django_capture_on_commit_callbacks,
        recipient_id=user.pk,
        kind="saved_search.match",
        data={"project_id": 1, "project_title": "Logo", "saved_search_name": "Design"},
    )
    assert notification.email_mode == EmailMode.OFF
    assert mail.outbox == []


def test_preferences_default_and_change(user):
    assert selectors.preferences_of(user_id=user.pk)[Category.CONTRACTS] == (True, "instant")
    assert selectors.preferences_of(user_id=user.pk)[Category.SAVED_SEARCHES] == (True, "daily")
    preferences_update(user=user, changes={Category.PAYMENTS: (True, EmailMode.WEEKLY)})
    preferences = selectors.preferences_of(user_id=user.pk)
    assert preferences[Category.PAYMENTS] == (True, "weekly")
    assert preferences[Category.CONTRACTS] == (True, "instant")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"gossip": (True, "instant")}, "unknown_category"),
        ({"payments": (True, "hourly")}, "unknown_email_mode"),
    ],
)
def test_bad_preferences_are_refused_and_nothing_changes(user, changes, code):
    with pytest.raises(InvalidInput) as error:
        preferences_update(user=user, changes=changes)
    assert error.value.code == code
    assert not user.notification_preferences.exists()


def test_mark_one_and_all_read(user, other_user, django_capture_on_commit_callbacks):
    first, _second = (
        sent(
            django_capture_on_commit_callbacks,
            recipient_id=user.pk,
            kind="contract.ended",
            data=contract_data(),
        )
        for _ in range(2)
    )
    notification_mark_read(user=user, notification_id=first.pk)
    assert selectors.unread_count(user_id=user.pk) == 1
    assert notifications_mark_all_read(user=user) == 1
    assert selectors.unread_count(user_id=user.pk) == 0


def test_someone_elses_notification_is_not_found_and_stays_unread(
    user, other_user, django_capture_on_commit_callbacks
):
    notification = sent(
        django_capture_on_commit_callbacks,
        recipient_id=user.pk,
        kind="contract.ended",
        data=contract_data(),
    )
    with pytest.raises(NotFound):
        notification_mark_read(user=other_user, notification_id=notification.pk)
    notifications_mark_all_read(user=other_user)
    notification.refresh_from_db()
    assert notification.read_at is None


# --- messages: one e-mail per conversation per 15 minutes --------------------------------------


def _message(capture, recipient, conversation_id, preview="Hi"):
    return sent(
        capture,
        recipient_id=recipient.pk,
        kind=MESSAGE_RECEIVED,
        data={"conversation_id": conversation_id, "sender_name": "Wang", "preview": preview},
    )


def test_messages_are_emailed_at_most_once_per_conversation_per_quarter_hour(
    django_capture_on_commit_callbacks,
):
    recipient = UserFactory(language="en")
    capture = django_capture_on_commit_callbacks
    # the first message of a conversation is e-mailed at once
    _message(capture, recipient, 1, "First")
    assert len(mail.outbox) == 1
    # more messages in the next 15 minutes wait
    _message(capture, recipient, 1, "Second")
    _message(capture, recipient, 1, "Third")
    assert len(mail.outbox) == 1
    # another conversation has its own e-mail
    _message(capture, recipient, 2, "Elsewhere")
    assert len(mail.outbox) == 2
    # before the time is up the sweep sends nothing; after it, one summary of both
    assert message_batches_send_due(now=timezone.now() + timedelta(minutes=5)) == 0
    later = timezone.now() + MESSAGE_EMAIL_EVERY + timedelta(seconds=1)
    assert message_batches_send_due(now=later) == 1
    summary = mail.outbox[2]
    assert summary.subject == "2 new messages from Wang"
    assert "Second" in summary.body and "Third" in summary.body and "First" not in summary.body
    # and running it again sends nothing
    assert message_batches_send_due(now=later) == 0
    assert len(mail.outbox) == 3


def test_messages_read_in_the_meantime_are_not_emailed(django_capture_on_commit_callbacks):
    recipient = UserFactory(language="en")
    capture = django_capture_on_commit_callbacks
    _message(capture, recipient, 1, "First")
    waiting = _message(capture, recipient, 1, "Second")
    notification_mark_read(user=recipient, notification_id=waiting.pk)
    later = timezone.now() + MESSAGE_EMAIL_EVERY + timedelta(seconds=1)
    assert (
        message_batch_email_send(recipient_id=recipient.pk, conversation_id=1, now=later) is False
    )
    assert len(mail.outbox) == 1


# --- digests ------------------------------------------------------------------------------------


def test_a_daily_digest_sends_one_email_per_person_and_is_safe_to_rerun(
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    reader, weekly = UserFactory(language="en"), UserFactory(language="en")
    preferences_update(user=reader, changes={Category.CONTRACTS: (True, EmailMode.DAILY)})
    preferences_update(user=weekly, changes={Category.CONTRACTS: (True, EmailMode.WEEKLY)})
    for user in (reader, reader, weekly):
        sent(capture, recipient_id=user.pk, kind="contract.ended", data=contract_data())
    assert mail.outbox == []
    # when the daily digest runs
    assert notification_digests_send(mode=EmailMode.DAILY) == 1
    # then the daily reader gets one e-mail with both, now marked e-mailed
    [digest] = mail.outbox
    assert digest.to == [reader.email]
    assert digest.subject == "Your daily Jiedan digest"
    assert digest.body.count("has ended") == 2
    assert not reader.notifications.filter(emailed_at__isnull=True).exists()
    # and again: nothing more
    assert notification_digests_send(mode=EmailMode.DAILY) == 0
    # the weekly one goes out with the weekly digest
    assert notification_digests_send(mode=EmailMode.WEEKLY) == 1
    assert mail.outbox[-1].to == [weekly.email]
    assert mail.outbox[-1].subject == "Your weekly Jiedan digest"
