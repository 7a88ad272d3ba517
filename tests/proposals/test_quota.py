"""The monthly proposal quota: shown, enforced, refunded when the client never looks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jiedan.core.errors import Conflict
from jiedan.projects import services as project_services
from jiedan.projects.models import Status as ProjectStatus
from jiedan.proposals import services
from jiedan.proposals.models import Proposal
from jiedan.proposals.quota import quota_status
from tests.factories import UserFactory
from tests.projects.factories import open_project

from .factories import proposal_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_quota(settings):
    settings.PROPOSALS_MONTHLY_QUOTA = 2
    return 2


def test_each_proposal_uses_one_slot(small_quota):
    freelancer = UserFactory()
    proposal_on(open_project(), freelancer)
    status = quota_status(freelancer=freelancer)
    assert (status.allowance, status.used, status.remaining) == (2, 1, 1)
    assert status.resets_on.day == 1


def test_over_quota_is_refused_and_nothing_is_written(small_quota):
    freelancer = UserFactory()
    proposal_on(open_project(), freelancer)
    proposal_on(open_project(), freelancer)
    with pytest.raises(Conflict) as error:
        proposal_on(open_project(), freelancer)
    assert error.value.code == "quota_exhausted"
    assert Proposal.objects.filter(freelancer=freelancer).count() == 2


def test_withdrawing_does_not_give_the_slot_back(small_quota):
    freelancer = UserFactory()
    proposal = proposal_on(open_project(), freelancer)
    services.proposal_withdraw(freelancer=freelancer, proposal_id=proposal.pk)
    assert quota_status(freelancer=freelancer).used == 1


def test_last_months_proposals_do_not_count(small_quota):
    freelancer = UserFactory()
    proposal_on(open_project(), freelancer, now=timezone.now() - timedelta(days=40))
    assert quota_status(freelancer=freelancer).used == 0


def test_invited_proposals_are_free(small_quota):
    freelancer = UserFactory()
    project = open_project(visibility="invite_only")
    services.invitation_send(
        client=project.client, project_id=project.pk, freelancer_id=freelancer.pk
    )
    proposal = proposal_on(project, freelancer)
    assert proposal.invited and proposal.quota_charged_at is None
    assert quota_status(freelancer=freelancer).used == 0


def test_a_project_closed_without_a_hire_refunds_every_standing_proposal(small_quota):
    project = open_project()
    read, unread = proposal_on(project), proposal_on(project)
    withdrawn = proposal_on(project)
    services.proposal_mark_viewed(client=project.client, proposal_id=read.pk)
    services.proposal_withdraw(freelancer=withdrawn.freelancer, proposal_id=withdrawn.pk)
    project_services.project_close(client=project.client, project_id=project.pk)
    assert quota_status(freelancer=read.freelancer).used == 0
    assert quota_status(freelancer=unread.freelancer).used == 0
    assert quota_status(freelancer=withdrawn.freelancer).used == 1


def test_an_expired_project_refunds_its_proposals(small_quota):
    project = open_project()
    proposal = proposal_on(project)
    project_services.projects_expire_overdue(now=project.expires_at + timedelta(seconds=1))
    project.refresh_from_db()
    assert project.status == ProjectStatus.CLOSED
    assert quota_status(freelancer=proposal.freelancer).used == 0


def test_a_hire_refunds_only_the_proposals_the_client_never_opened(small_quota):
    project = open_project()
    hired, read, unread = proposal_on(project), proposal_on(project), proposal_on(project)
    services.proposal_mark_viewed(client=project.client, proposal_id=read.pk)
    services.proposal_hire(client=project.client, proposal_id=hired.pk)
    assert quota_status(freelancer=hired.freelancer).used == 1
    assert quota_status(freelancer=read.freelancer).used == 1
    assert quota_status(freelancer=unread.freelancer).used == 0
    # closing the awarded project later refunds nothing more
    project_services.project_close(client=project.client, project_id=project.pk)
    assert quota_status(freelancer=read.freelancer).used == 1


def test_a_refund_frees_a_slot_for_a_new_proposal(small_quota):
    freelancer = UserFactory()
    first = open_project()
    proposal_on(first, freelancer)
    proposal_on(open_project(), freelancer)
    project_services.project_cancel(client=first.client, project_id=first.pk)
    assert proposal_on(open_project(), freelancer).pk
