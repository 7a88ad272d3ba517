"""Proposals API: submit, quota, inbox, client actions, invitations, errors and ownership."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jiedan.accounts import services as account_services
from jiedan.proposals.models import Invitation, Proposal, Status
from tests.factories import UserFactory
from tests.projects.factories import open_project

from .factories import LETTER, proposal_on

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def api(user) -> Client:
    issued = account_services.access_token_create(
        user=user, name="test", scopes=["read", "write"], expires_in_days=None
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}", HTTP_ACCEPT_LANGUAGE="en")


def body(project, **overrides) -> dict:
    values = {
        "project_id": project.pk,
        "cover_letter": LETTER,
        "amount": "1500",
        "delivery_days": 10,
        "milestones": [
            {"title": "Design", "amount": "500", "due_in_days": 3},
            {"title": "Build", "amount": "1000", "due_in_days": 10},
        ],
    }
    return {**values, **overrides}


def test_submit_read_back_and_quota():
    project = open_project()
    freelancer = api(UserFactory())
    response = freelancer.post("/api/v1/proposals", body(project), content_type="application/json")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "submitted"
    assert data["amount"] == "1500.00"
    assert [m["title"] for m in data["milestones"]] == ["Design", "Build"]
    assert data["editable"] is True
    quota = freelancer.get("/api/v1/proposals/quota").json()
    assert (quota["used"], quota["remaining"]) == (1, 29)
    assert len(freelancer.get("/api/v1/proposals/mine").json()) == 1


def test_errors_are_code_and_message_and_write_nothing():
    project = open_project()
    freelancer = UserFactory()
    web = api(freelancer)
    bad = web.post("/api/v1/proposals", body(project, amount="-5"), content_type="application/json")
    assert bad.status_code == 422
    assert set(bad.json()) >= {"code", "message"}
    proposal_on(project, freelancer)
    again = web.post("/api/v1/proposals", body(project), content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "proposal_exists")
    assert Proposal.objects.count() == 1


def test_attachments_by_multipart():
    project = open_project()
    proposal = proposal_on(project)
    web = api(proposal.freelancer)
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    response = web.post(f"/api/v1/proposals/{proposal.pk}/attachments", {"files": [upload]})
    assert response.status_code == 201
    assert response.json()["attachments"][0]["name"] == "plan.pdf"
    wrong = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
    response = web.post(f"/api/v1/proposals/{proposal.pk}/attachments", {"files": [wrong]})
    assert response.status_code == 422
    assert proposal.attachments.count() == 1


def test_inbox_and_client_actions():
    project = open_project()
    cheap = proposal_on(project, amount="900")
    dear = proposal_on(project, amount="1900")
    client = api(project.client)
    page = client.get(f"/api/v1/proposals/inbox/{project.pk}?sort=price_high").json()
    assert [row["id"] for row in page["results"]] == [dear.pk, cheap.pk]
    assert page["counts"]["unread"] == 2
    client.post(f"/api/v1/proposals/{cheap.pk}/shortlist")
    shortlisted = client.get(f"/api/v1/proposals/inbox/{project.pk}?view=shortlisted").json()
    assert [row["id"] for row in shortlisted["results"]] == [cheap.pk]
    declined = client.post(
        f"/api/v1/proposals/{dear.pk}/decline",
        {"reason": "budget", "note": "Over budget"},
        content_type="application/json",
    )
    assert declined.json()["status"] == "declined"
    hired = client.post(f"/api/v1/proposals/{cheap.pk}/hire", {}, content_type="application/json")
    assert hired.status_code == 200
    assert hired.json()["status"] == "hired"


def test_only_the_author_and_the_client_see_a_proposal():
    project = open_project()
    proposal = proposal_on(project)
    stranger = api(UserFactory())
    assert stranger.get(f"/api/v1/proposals/{proposal.pk}").status_code == 404
    assert stranger.get(f"/api/v1/proposals/inbox/{project.pk}").status_code == 404
    for action in ("shortlist", "withdraw", "read"):
        assert stranger.post(f"/api/v1/proposals/{proposal.pk}/{action}").status_code == 404
    hire = stranger.post(
        f"/api/v1/proposals/{proposal.pk}/hire", {}, content_type="application/json"
    )
    assert hire.status_code == 404
    proposal.refresh_from_db()
    assert (proposal.status, proposal.viewed_at) == (Status.SUBMITTED, None)
    assert api(proposal.freelancer).get(f"/api/v1/proposals/{proposal.pk}").status_code == 200
    assert api(project.client).get(f"/api/v1/proposals/{proposal.pk}").status_code == 200


def test_edit_is_refused_after_the_client_reads_it():
    project = open_project()
    proposal = proposal_on(project)
    api(project.client).post(f"/api/v1/proposals/{proposal.pk}/read")
    payload = body(project)
    del payload["project_id"]
    response = api(proposal.freelancer).put(
        f"/api/v1/proposals/{proposal.pk}", payload, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "proposal_locked")


def test_invitations_round_trip():
    project = open_project(visibility="invite_only")
    freelancer = UserFactory()
    sent = api(project.client).post(
        "/api/v1/proposals/invitations",
        {"project_id": project.pk, "freelancer_id": freelancer.pk, "message": "Hi"},
        content_type="application/json",
    )
    assert sent.status_code == 201
    mine = api(freelancer).get("/api/v1/proposals/invitations").json()
    assert [row["project_id"] for row in mine] == [project.pk]
    declined = api(freelancer).post(
        f"/api/v1/proposals/invitations/{mine[0]['id']}/decline",
        {"note": "Busy"},
        content_type="application/json",
    )
    assert declined.json()["status"] == "declined"
    assert Invitation.objects.get().decline_note == "Busy"


def test_anonymous_callers_are_refused():
    assert Client().get("/api/v1/proposals/quota").status_code == 401


def test_declining_with_a_reason_off_the_list_is_refused_and_changes_nothing():
    # given a submitted proposal
    project = open_project()
    proposal = proposal_on(project)
    # when the client declines it with a reason that is not one of the listed ones
    response = api(project.client).post(
        f"/api/v1/proposals/{proposal.pk}/decline",
        {"reason": "too_cheap"},
        content_type="application/json",
    )
    # then it is a validation error on the reason, and the proposal stays as it was
    assert response.status_code == 422
    assert [detail["loc"][-1] for detail in response.json()["details"]] == ["reason"]
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_the_openapi_document_describes_the_proposals_own_milestones(client):
    # the proposal's milestones (due in days) once shared a name with the contract's (due
    # on a date), and the document showed the contract's to proposal writers
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    milestones = schemas["ProposalCreateIn"]["properties"]["milestones"]["items"]
    assert milestones == {"$ref": "#/components/schemas/ProposalMilestoneIn"}
    assert "due_in_days" in schemas["ProposalMilestoneIn"]["required"]
    assert "due_date" in schemas["MilestoneIn"]["properties"]
    assert schemas["DeclineIn"]["properties"]["reason"]["enum"][0] == ""
    # attachments: at least one file (none at all is "field required")
    upload = document["paths"]["/api/v1/proposals/{proposal_id}/attachments"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["files"]["minItems"] == 1
