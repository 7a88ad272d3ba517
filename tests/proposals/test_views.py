"""Proposal pages: sending from the project page, the freelancer's list, the client's inbox and
actions, invitations and private files. Strangers get 404 and nothing changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.projects.models import Status as ProjectStatus
from jiedan.proposals import services
from jiedan.proposals.models import Invitation, Proposal, Status
from tests.factories import UserFactory
from tests.projects.factories import open_project

from .factories import LETTER, proposal_on

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def signed_in(user) -> Client:
    web = Client(HTTP_ACCEPT_LANGUAGE="en")
    web.force_login(user)
    return web


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


def form_data(**overrides) -> dict:
    return {"cover_letter": LETTER, "amount": "1500", "delivery_days": "10", **overrides}


def test_send_a_proposal_with_milestones_answers_and_a_file():
    project = open_project(screening_questions=["Which stack?"])
    freelancer = UserFactory()
    web = signed_in(freelancer)
    page = web.get(url("projects:detail", project.pk))
    assert url("proposals:propose", project.pk).encode() in page.content
    form = web.get(url("proposals:propose", project.pk))
    assert b'data-remaining="30"' in form.content
    response = web.post(
        url("proposals:propose", project.pk),
        form_data(
            answer_0="Django and htmx",
            milestone_1_title="Design",
            milestone_1_amount="500",
            milestone_1_days="3",
            milestone_2_title="Build",
            milestone_2_amount="1000",
            milestone_2_days="10",
            attachments=[SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")],
        ),
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("proposals:detail", proposal.pk)
    assert proposal.milestones.count() == 2
    assert proposal.attachments.count() == 1
    detail = web.get(url("proposals:detail", proposal.pk))
    assert b"Design" in detail.content and b"plan.pdf" in detail.content
    # the project page now links to the proposal instead of offering another
    page = web.get(url("projects:detail", project.pk))
    assert url("proposals:detail", proposal.pk).encode() in page.content


def test_a_service_error_shows_on_the_form_and_saves_nothing():
    project = open_project()
    web = signed_in(UserFactory())
    response = web.post(
        url("proposals:propose", project.pk),
        form_data(milestone_1_title="Only part", milestone_1_amount="100", milestone_1_days="2"),
    )
    assert response.status_code == 200
    assert b"The milestones must add up to the price" in response.content
    assert not Proposal.objects.exists()


def test_the_client_reads_shortlists_and_declines_from_the_inbox():
    project = open_project()
    proposal = proposal_on(project)
    web = signed_in(project.client)
    inbox = web.get(url("proposals:inbox", project.pk))
    assert inbox.status_code == 200
    assert b"New" in inbox.content
    web.get(url("proposals:detail", proposal.pk))
    proposal.refresh_from_db()
    assert proposal.viewed_at is not None
    web.post(url("proposals:shortlist", proposal.pk))
    proposal.refresh_from_db()
    assert proposal.status == Status.SHORTLISTED
    shortlisted = web.get(url("proposals:inbox", project.pk) + "?view=shortlisted")
    assert proposal.freelancer.get_short_name().encode() in shortlisted.content
    web.post(url("proposals:decline", proposal.pk), {"reason": "budget", "note": "Too high"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_note) == (Status.DECLINED, "Too high")


def test_hire_from_the_proposal_page():
    project = open_project()
    proposal = proposal_on(project)
    web = signed_in(project.client)
    response = web.post(url("proposals:hire", proposal.pk))
    assert response.status_code == 302
    proposal.refresh_from_db()
    project.refresh_from_db()
    assert proposal.status == Status.HIRED
    assert project.status == ProjectStatus.AWARDED


def test_the_author_edits_until_read_and_withdraws():
    project = open_project()
    proposal = proposal_on(project)
    web = signed_in(proposal.freelancer)
    edit = web.get(url("proposals:edit", proposal.pk))
    assert edit.status_code == 200
    response = web.post(url("proposals:edit", proposal.pk), form_data(amount="1800"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert str(proposal.amount) == "1800.00"
    web.post(url("proposals:withdraw", proposal.pk))
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN


def test_strangers_get_404_everywhere_and_nothing_changes():
    project = open_project()
    proposal = proposal_on(project, now=None)
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    services.proposal_attachments_add(
        freelancer=proposal.freelancer, proposal_id=proposal.pk, uploads=[upload]
    )
    attachment = proposal.attachments.get()
    stranger = signed_in(UserFactory())
    for name in ("proposals:detail", "proposals:edit"):
        assert stranger.get(url(name, proposal.pk)).status_code == 404
    for name in (
        "proposals:withdraw",
        "proposals:shortlist",
        "proposals:decline",
        "proposals:hire",
    ):
        assert stranger.post(url(name, proposal.pk)).status_code == 404
    assert stranger.get(url("proposals:inbox", project.pk)).status_code == 404
    assert stranger.get(url("proposals:attachment", attachment.pk)).status_code == 404
    # the author cannot act as the client either
    author = signed_in(proposal.freelancer)
    assert author.post(url("proposals:shortlist", proposal.pk)).status_code == 404
    assert author.get(url("proposals:inbox", project.pk)).status_code == 404
    proposal.refresh_from_db()
    assert (proposal.status, proposal.viewed_at) == (Status.SUBMITTED, None)
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN


def test_the_author_and_the_client_download_attachments():
    project = open_project()
    proposal = proposal_on(project)
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    services.proposal_attachments_add(
        freelancer=proposal.freelancer, proposal_id=proposal.pk, uploads=[upload]
    )
    attachment = proposal.attachments.get()
    for person in (proposal.freelancer, project.client):
        response = signed_in(person).get(url("proposals:attachment", attachment.pk))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Cache-Control"] == "private, no-store"


def test_invite_from_the_profile_and_answer_from_my_proposals():
    client = UserFactory()
    project = open_project(client=client, visibility="invite_only")
    freelancer = UserFactory()
    web = signed_in(client)
    assert web.get(url("proposals:invite", freelancer.pk)).status_code == 200
    response = web.post(
        url("proposals:invite", freelancer.pk), {"project": project.pk, "message": "Interested?"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    mine = signed_in(freelancer).get(url("proposals:mine"))
    assert project.title.encode() in mine.content
    assert signed_in(freelancer).get(url("projects:detail", project.pk)).status_code == 200
    signed_in(freelancer).post(url("proposals:invitation_decline", invitation.pk), {"note": "Busy"})
    invitation.refresh_from_db()
    assert invitation.status == "declined"


def test_inviting_to_someone_elses_project_is_refused():
    project = open_project()
    freelancer = UserFactory()
    web = signed_in(UserFactory())
    response = web.post(url("proposals:invite", freelancer.pk), {"project": project.pk})
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_inbox_queries_do_not_grow_with_proposals(django_assert_max_num_queries):
    project = open_project()
    for _ in range(3):
        proposal_on(project)
    web = signed_in(project.client)
    with django_assert_max_num_queries(14):
        web.get(url("proposals:inbox", project.pk))
    for _ in range(12):
        proposal_on(project)
    with django_assert_max_num_queries(14):
        response = web.get(url("proposals:inbox", project.pk) + "?sort=price_low")
    assert response.status_code == 200


def test_my_proposals_queries_do_not_grow(django_assert_max_num_queries):
    freelancer = UserFactory()
    for _ in range(2):
        proposal_on(open_project(), freelancer)
    web = signed_in(freelancer)
    with django_assert_max_num_queries(12):
        web.get(url("proposals:mine"))
    for _ in range(8):
        proposal_on(open_project(), freelancer)
    with django_assert_max_num_queries(12):
        assert web.get(url("proposals:mine")).status_code == 200


def test_pages_render_in_chinese():
    project = open_project()
    proposal = proposal_on(project)
    web = signed_in(project.client)
    web.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    response = web.get(url("proposals:detail", proposal.pk, lang="zh-hans"))
    assert response.status_code == 200
    assert "雇用".encode() in response.content
