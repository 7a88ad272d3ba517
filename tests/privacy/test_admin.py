"""The back office shows privacy choices and export requests to those who see accounts, read
only, without the archives; the identifiers waiting after a deletion are never shown."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.privacy.models import ExportStatus, IdentifierScrub
from jiedan.privacy.services import account_delete, data_export_request, privacy_settings_update
from jiedan.privacy.services.choices import PrivacyChoices
from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db


def back_office(*roles: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(StaffFactory(roles=list(roles)))
    return client


def admin_url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:privacy_{name}", args=args)


def test_support_sees_an_export_request_but_not_its_archive(
    person, django_capture_on_commit_callbacks
):
    # given a person whose export is ready
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(user=person.user)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.archive
    # when support opens the request in the back office
    page = back_office("support").get(admin_url("dataexport_change", export.pk))
    # then they see its status and owner, read-only, and nothing leads to the archive
    body = page.content.decode()
    assert page.status_code == 200
    assert person.user.display_name in body and "Ready to download" in body
    assert export.archive.name not in body and "exports/" not in body
    assert 'name="_save"' not in body


def test_privacy_choices_are_listed_read_only(person):
    privacy_settings_update(user=person.user, choices=PrivacyChoices(share_phone=True))
    client = back_office("support")
    listing = client.get(admin_url("privacysettings_changelist"))
    assert listing.status_code == 200 and person.user.display_name in listing.content.decode()
    assert client.get(admin_url("privacysettings_add")).status_code == 403


def test_a_waiting_replacement_shows_who_but_never_the_identifiers(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # the job does not run
        account_delete(user=person.user, password=PASSWORD)
    scrub = IdentifierScrub.objects.get()
    page = back_office("admin", "support").get(admin_url("identifierscrub_change", scrub.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert not any(text in body for text in person.identifiers)
