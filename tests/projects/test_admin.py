import pytest
from django.test import Client

from jiedan.projects.models import Status
from tests.factories import StaffFactory

from .factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_admin_list_and_detail_with_history():
    admin_user = StaffFactory(is_superuser=True)
    project = ProjectFactory()
    project.status_changes.create(actor=project.client, from_status=Status.DRAFT, to_status="open")
    web = Client()
    web.force_login(admin_user)
    assert web.get("/admin/projects/project/?status__exact=draft").status_code == 200
    response = web.get(f"/admin/projects/project/{project.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"status change" in response.content.lower()
