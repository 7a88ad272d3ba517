"""The e-mails of notifications, written in the recipient's language (their chosen language,
else the site's default), with absolute links."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, ngettext

from jiedan.core.links import absolute_url

from .kinds import EmailMode, kind_link, kind_text


def recipient_language(user) -> str:
    return user.language or settings.LANGUAGE_CODE


def _items(notifications) -> list[dict]:
    return [
        {
            "text": kind_text(item.kind, item.data),
            "url": settings.SITE_URL + link if (link := kind_link(item.kind, item.data)) else "",
        }
        for item in notifications
    ]


def _send(recipient, subject: str, intro: str, notifications) -> None:
    context = {
        "recipient": recipient,
        "intro": intro,
        "items": _items(notifications),
        "preferences_url": absolute_url("notifications:preferences"),
    }
    body = render_to_string("notifications/email/notifications.txt", context)
    send_mail(subject, body, None, [recipient.email])


def notification_email(recipient, notification) -> None:
    """One notification on its own; its text is the subject."""
    with translation.override(recipient_language(recipient)):
        subject = kind_text(notification.kind, notification.data)
        _send(recipient, subject, gettext("There is news for you on Jiedan:"), [notification])


def messages_email(recipient, notifications) -> None:
    """The unread messages of one conversation, summarised in one e-mail."""
    with translation.override(recipient_language(recipient)):
        count = len(notifications)
        sender = notifications[-1].data.get("sender_name", "")
        subject = ngettext(
            "%(count)s new message from %(name)s",
            "%(count)s new messages from %(name)s",
            count,
        ) % {"count": count, "name": sender}
        _send(recipient, subject, gettext("You have unread messages on Jiedan:"), notifications)


def digest_email(recipient, notifications, *, mode: str) -> None:
    """The daily or weekly digest of everything not yet e-mailed."""
    with translation.override(recipient_language(recipient)):
        subject = (
            gettext("Your daily Jiedan digest")
            if mode == EmailMode.DAILY
            else gettext("Your weekly Jiedan digest")
        )
        _send(recipient, subject, gettext("Here is what happened on Jiedan:"), notifications)
