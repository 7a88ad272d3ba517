"""Project attachments: the client adds and removes files on a draft or open project; anyone
who may see the project downloads them; nobody else learns they exist."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.core.errors import Conflict, InvalidInput, NotFound
from jiedan.projects import services
from jiedan.projects.models import ProjectAttachment, Status
from tests.factories import UserFactory

from .factories import ProjectFactory, open_project

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="brief.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def signed_in(user) -> Client:
    web = Client(HTTP_ACCEPT_LANGUAGE="en")
    web.force_login(user)
    return web


def test_the_client_adds_files_checked_by_content():
    project = ProjectFactory()
    [record] = services.project_attachments_add(
        client=project.client, project_id=project.pk, uploads=[pdf()]
    )
    assert (record.content_type, len(record.sha256)) == ("application/pdf", 64)
    with pytest.raises(InvalidInput) as error:
        services.project_attachments_add(
            client=project.client,
            project_id=project.pk,
            uploads=[pdf("ok.pdf"), SimpleUploadedFile("x.png", b"not an image")],
        )
    assert error.value.code == "file_type"
    assert project.attachments.count() == 1


def test_at_most_five_files_and_only_while_editable():
    project = ProjectFactory()
    with pytest.raises(InvalidInput):
        services.project_attachments_add(
            client=project.client, project_id=project.pk, uploads=[pdf() for _ in range(6)]
        )
    closed = ProjectFactory(status=Status.CLOSED)
    with pytest.raises(Conflict):
        services.project_attachments_add(
            client=closed.client, project_id=closed.pk, uploads=[pdf()]
        )
    assert not ProjectAttachment.objects.exists()


def test_someone_else_cannot_add_or_remove():
    project = ProjectFactory()
    [record] = services.project_attachments_add(
        client=project.client, project_id=project.pk, uploads=[pdf()]
    )
    stranger = UserFactory()
    with pytest.raises(NotFound):
        services.project_attachments_add(client=stranger, project_id=project.pk, uploads=[pdf()])
    with pytest.raises(NotFound):
        services.project_attachment_remove(client=stranger, attachment_id=record.pk)
    assert list(project.attachments.all()) == [record]
    services.project_attachment_remove(client=project.client, attachment_id=record.pk)
    assert not project.attachments.exists()


def test_downloads_follow_who_may_see_the_project():
    draft = ProjectFactory()
    public = open_project()
    [hidden] = services.project_attachments_add(
        client=draft.client, project_id=draft.pk, uploads=[pdf()]
    )
    [shown] = services.project_attachments_add(
        client=public.client, project_id=public.pk, uploads=[pdf()]
    )
    visitor = Client()
    response = visitor.get(url("projects:attachment", shown.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert visitor.get(url("projects:attachment", hidden.pk)).status_code == 404
    assert signed_in(UserFactory()).get(url("projects:attachment", hidden.pk)).status_code == 404
    assert signed_in(draft.client).get(url("projects:attachment", hidden.pk)).status_code == 200


def test_upload_and_remove_from_the_review_page():
    project = ProjectFactory()
    web = signed_in(project.client)
    response = web.post(url("projects:attachments_add", project.pk), {"files": [pdf()]})
    assert response.status_code == 302
    record = project.attachments.get()
    page = web.get(url("projects:review", project.pk))
    assert b"brief.pdf" in page.content
    stranger = signed_in(UserFactory())
    assert stranger.post(url("projects:attachment_remove", record.pk)).status_code == 404
    assert (
        stranger.post(url("projects:attachments_add", project.pk), {"files": [pdf()]}).status_code
        == 404
    )
    assert project.attachments.count() == 1
    web.post(url("projects:attachment_remove", record.pk))
    assert not project.attachments.exists()


def test_the_api_lists_a_projects_files():
    project = open_project()
    services.project_attachments_add(client=project.client, project_id=project.pk, uploads=[pdf()])
    data = Client().get(f"/api/v1/projects/{project.pk}").json()
    [file] = data["attachments"]
    assert file["name"] == "brief.pdf"
    assert Client().get(file["download_url"]).status_code == 200
