"""A sign-in from a device not seen before for that account e-mails the person, in their
language, with a link to their sessions page; known devices and first sign-ins do not."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.security.models import KnownDevice
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 MicroMessenger"


def _sign_in(user, *, agent: str, ip: str, capture) -> int:
    """Sign in through the site's login page; the status code of the answer."""
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    with translation.override("en"):
        url = reverse("account_login")
    with capture(execute=True):
        response = client.post(url, {"login": user.email, "password": PASSWORD})
    return response.status_code


def test_a_new_device_is_told_about_and_a_known_one_is_not(django_capture_on_commit_callbacks):
    person = UserFactory(language="en")
    capture = django_capture_on_commit_callbacks
    # given a first sign-in (nothing to compare with: no e-mail)
    assert _sign_in(person, agent=FIREFOX, ip="203.0.113.7", capture=capture) == 302
    assert mail.outbox == []
    # when the same browser signs in again from the same network
    _sign_in(person, agent=FIREFOX, ip="203.0.113.99", capture=capture)
    assert mail.outbox == []
    # and then from a phone elsewhere
    _sign_in(person, agent=PHONE, ip="198.51.100.20", capture=capture)
    # then one e-mail tells them, with the device and the link to sign it out
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert message.subject.endswith("New sign-in to your Jiedan account")
    assert "198.51.100.20" in message.body and "iPhone" in message.body
    with translation.override("en"):
        assert reverse("usersessions_list") in message.body
    assert KnownDevice.objects.filter(user=person).count() == 2


def test_the_e_mail_is_in_the_persons_language(django_capture_on_commit_callbacks):
    person = UserFactory(language="zh-hans")
    _sign_in(person, agent=FIREFOX, ip="203.0.113.7", capture=django_capture_on_commit_callbacks)
    _sign_in(person, agent=PHONE, ip="203.0.113.7", capture=django_capture_on_commit_callbacks)
    body = mail.outbox[0].body
    with translation.override("zh-hans"):
        assert reverse("usersessions_list") in body
    assert "/zh-hans/" in body


def test_a_failed_sign_in_records_nothing(django_capture_on_commit_callbacks):
    person = UserFactory()
    client = Client(HTTP_USER_AGENT=PHONE, REMOTE_ADDR="198.51.100.20")
    with translation.override("en"):
        client.post(reverse("account_login"), {"login": person.email, "password": "wrong"})
    assert not KnownDevice.objects.exists() and mail.outbox == []
