"""Invitations: clients invite freelancers, who then see invite-only projects."""

import pytest

from jiedan.core.errors import Conflict, InvalidInput, NotFound
from jiedan.projects.selectors import project_for_viewer
from jiedan.proposals import services
from jiedan.proposals.models import Invitation, InvitationStatus
from jiedan.proposals.selectors import invitable_projects, invitations_of_freelancer
from tests.factories import UserFactory
from tests.projects.factories import ProjectFactory, open_project

from .factories import proposal_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return open_project(visibility="invite_only")


@pytest.fixture
def freelancer():
    return UserFactory()


def invite(project, freelancer, **kwargs):
    return services.invitation_send(
        client=project.client, project_id=project.pk, freelancer_id=freelancer.pk, **kwargs
    )


def test_an_invited_freelancer_sees_the_invite_only_project(project, freelancer):
    with pytest.raises(NotFound):
        project_for_viewer(project_id=project.pk, viewer=freelancer)
    invite(project, freelancer, message="Your portfolio fits us.")
    assert project_for_viewer(project_id=project.pk, viewer=freelancer) == project
    assert list(invitations_of_freelancer(freelancer=freelancer)) == [project.invitations.get()]
    with pytest.raises(NotFound):
        project_for_viewer(project_id=project.pk, viewer=UserFactory())


def test_proposing_answers_the_invitation(project, freelancer):
    invitation = invite(project, freelancer)
    proposal_on(project, freelancer)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.responded_at is not None


def test_declining_an_invitation(project, freelancer):
    invitation = invite(project, freelancer)
    services.invitation_decline(freelancer=freelancer, invitation_id=invitation.pk, note="Busy")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.decline_note) == (InvitationStatus.DECLINED, "Busy")
    with pytest.raises(Conflict):
        services.invitation_decline(freelancer=freelancer, invitation_id=invitation.pk)


def test_nobody_else_declines_an_invitation(project, freelancer):
    invitation = invite(project, freelancer)
    for outsider in (UserFactory(), project.client):
        with pytest.raises(NotFound):
            services.invitation_decline(freelancer=outsider, invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_inviting_twice_yourself_or_to_someone_elses_project_is_refused(project, freelancer):
    invite(project, freelancer)
    with pytest.raises(Conflict):
        invite(project, freelancer)
    with pytest.raises(InvalidInput):
        invite(project, project.client)
    with pytest.raises(NotFound):
        services.invitation_send(
            client=UserFactory(), project_id=project.pk, freelancer_id=UserFactory().pk
        )
    with pytest.raises(NotFound):
        services.invitation_send(client=project.client, project_id=project.pk, freelancer_id=0)
    assert Invitation.objects.count() == 1


def test_only_open_projects_take_invitations(freelancer):
    draft = ProjectFactory()
    with pytest.raises(Conflict):
        invite(draft, freelancer)
    assert not Invitation.objects.exists()


def test_invitable_projects_leave_out_invited_and_proposed_ones(freelancer):
    client = UserFactory()
    invited, proposed, free = (open_project(client=client) for _ in range(3))
    invite(invited, freelancer)
    proposal_on(proposed, freelancer)
    assert list(invitable_projects(client=client, freelancer=freelancer)) == [free]
