"""Data export: the archive holds every area as readable JSON plus the person's own files and a
bilingual README, leaves secrets out, is downloadable by its owner only and expires."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jiedan.core.errors import Conflict
from jiedan.notifications.models import Notification
from jiedan.privacy.export import NOT_EXPORTED, PARTS
from jiedan.privacy.models import DataExport, ExportStatus
from jiedan.privacy.services import data_export_request, data_exports_expire
from tests.factories import UserFactory, bearer

from .helpers import EMAIL, ID_NUMBER, NAME, PHONE

pytestmark = pytest.mark.django_db


def archive_of(export: DataExport) -> zipfile.ZipFile:
    export.refresh_from_db()
    with export.archive.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_every_model_that_points_at_a_person_is_exported_or_says_why_not():
    exported = {part.model for parts in PARTS.values() for part in parts}
    user_model = get_user_model()
    pointing = {
        model._meta.label
        for model in apps.get_models()
        if any(f.is_relation and f.related_model is user_model for f in model._meta.fields)
    }
    assert pointing - exported - set(NOT_EXPORTED) == set()


def test_the_archive_holds_everything_readable_with_files_and_no_secrets(
    person, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(user=person.user)
    # then
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.size > 0
    assert export.expires_at - export.ready_at == timedelta(days=7)
    archive = archive_of(export)
    names = set(archive.namelist())
    assert {"README.txt", "account.json", "profiles.json", "contracts.json", "money.json"} <= names
    readme = archive.read("README.txt").decode()
    assert "your data" in readme and "你的数据" in readme
    account = json.loads(archive.read("account.json"))
    (me,) = account["accounts.User"]
    assert me["email"] == EMAIL and me["display_name"] == NAME and "password" not in me
    profile = json.loads(archive.read("profiles.json"))["profiles.FreelancerProfile"][0]
    assert profile["phone"] == PHONE and profile["avatar"] in names
    identity = json.loads(archive.read("verification.json"))["verification.IdentitySubmission"]
    assert identity[0]["id_number"] == ID_NUMBER and identity[0]["document"] in names
    messages = json.loads(archive.read("messages.json"))["messaging.Message"]
    assert len(messages) == 2  # both sides of the conversation
    sent = json.loads(archive.read("messages.json"))["messaging.MessageAttachment"]
    assert sent and all(row["file"] in names for row in sent)
    contracts = json.loads(archive.read("contracts.json"))
    assert contracts["contracts.Contract"][0]["id"] == person.contract.pk
    assert len(contracts["contracts.Milestone"]) == 2
    assert Notification.objects.filter(recipient=person.user, kind="privacy.export.ready").exists()


def test_the_archive_of_the_other_party_does_not_hold_this_persons_private_data(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(user=person.counterpart)
    archive = archive_of(export)
    everything = "".join(
        archive.read(name).decode() for name in archive.namelist() if ".json" in name
    )
    assert PHONE not in everything.replace("Call me on " + PHONE, "")
    assert ID_NUMBER not in everything and EMAIL not in everything


def test_asking_again_returns_the_pending_export_and_a_new_one_waits_a_day(user):
    first = DataExport.objects.create(user=user)
    assert data_export_request(user=user) == first
    DataExport.objects.filter(pk=first.pk).update(status=ExportStatus.READY)
    with pytest.raises(Conflict):
        data_export_request(user=user)
    assert DataExport.objects.filter(user=user).count() == 1


def test_only_the_owner_downloads_and_only_until_it_expires(
    user, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(user=user)
    with translation.override("en"):
        url = reverse("privacy:export_download", args=[export.pk])
    owner, stranger = Client(), Client()
    owner.force_login(user)
    stranger.force_login(UserFactory())
    # then
    response = owner.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None
    assert stranger.get(url).status_code == 404
    api = Client().get(f"/api/v1/privacy/exports/{export.pk}/download", **bearer(UserFactory()))
    assert api.status_code == 404
    # when it expires
    export.refresh_from_db()
    stored = export.archive.name
    assert data_exports_expire(now=export.expires_at + timedelta(seconds=1)) == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED
    assert not export.archive.storage.exists(stored)
    assert owner.get(url).status_code == 404


def test_export_through_the_api(user, django_capture_on_commit_callbacks):
    headers = bearer(user)
    with django_capture_on_commit_callbacks(execute=True):
        asked = Client().post("/api/v1/privacy/exports", **headers)
    assert asked.status_code == 202
    export_id = asked.json()["id"]
    status = Client().get(f"/api/v1/privacy/exports/{export_id}", **headers).json()
    assert status["status"] == "ready" and status["download_url"].endswith("/download")
    download = Client().get(f"/api/v1/privacy/exports/{export_id}/download", **headers)
    assert download.status_code == 200
    assert timezone.now() < DataExport.objects.get(pk=export_id).expires_at
