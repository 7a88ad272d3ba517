"""The "new sign-in" e-mail, in the person's language, with absolute links."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from jiedan.core.links import absolute_url


def new_device_email(device) -> None:
    user = device.user
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        context = {
            "user": user,
            "device": device,
            "when": formats.date_format(timezone.localtime(device.last_seen_at), "DATETIME_FORMAT"),
            "sessions_url": absolute_url("usersessions_list", language=language),
            "security_url": absolute_url("mfa_index", language=language),
        }
        subject = gettext("New sign-in to your Jiedan account")
        body = render_to_string("security/email/new_device.txt", context)
    send_mail(subject, body, None, [user.email])
