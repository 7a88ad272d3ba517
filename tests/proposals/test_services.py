"""Proposal services: submitting, bad input, editing until read, withdrawing, the client's
actions, hiring, and who may do what."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiedan.core.errors import Conflict, InvalidInput, NotFound
from jiedan.projects.models import Status as ProjectStatus
from jiedan.proposals import services
from jiedan.proposals.models import (
    ALLOWED_TRANSITIONS,
    DeclineReason,
    Proposal,
    ProposalAttachment,
    ProposalStatusChange,
    Status,
)
from jiedan.proposals.selectors import hire_terms
from jiedan.proposals.services import MilestoneDetails, OptionDetails
from tests.factories import UserFactory
from tests.projects.factories import open_project

from .factories import LETTER, details, planned, proposal_on, tiered

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def snapshot(proposal: Proposal) -> tuple:
    proposal.refresh_from_db()
    return (
        proposal.status,
        proposal.cover_letter,
        proposal.amount,
        proposal.viewed_at,
        proposal.options.count(),
        proposal.milestones.count(),
        proposal.status_changes.count(),
    )


@pytest.fixture
def project():
    return open_project(screening_questions=[])


@pytest.fixture
def freelancer():
    return UserFactory()


def test_submit_records_price_in_the_project_currency(project, freelancer):
    proposal = services.proposal_submit(
        freelancer=freelancer, project_id=project.pk, details=details(amount="1500.5")
    )
    assert proposal.status == Status.SUBMITTED
    assert proposal.amount == Decimal("1500.50")
    assert proposal.currency == project.currency
    assert proposal.quota_charged_at is not None
    assert not proposal.invited


def test_submit_with_tiers_milestones_answers_and_a_file(freelancer):
    project = open_project(screening_questions=["Which stack?", "When can you start?"])
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    proposal = services.proposal_submit(
        freelancer=freelancer,
        project_id=project.pk,
        details=planned(answers=["Django", "Monday"]),
        attachments=[upload],
    )
    assert [m.title for m in proposal.milestones.all()] == ["Design", "Build"]
    assert proposal.answers == [
        {"question": "Which stack?", "answer": "Django"},
        {"question": "When can you start?", "answer": "Monday"},
    ]
    attachment = proposal.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert len(attachment.sha256) == 64

    tiers = services.proposal_submit(
        freelancer=UserFactory(),
        project_id=project.pk,
        details=tiered(answers=["Vue", "Now"]),
    )
    assert [o.tier for o in tiers.options.all()] == ["basic", "standard", "premium"]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"cover_letter": "Hire me"}, "cover_letter_short"),
        ({"amount": "0"}, "amount_out_of_range"),
        ({"amount": "-10"}, "amount_out_of_range"),
        ({"delivery_days": 0}, "delivery_days"),
        ({"delivery_days": 9999}, "delivery_days"),
        (
            {"milestones": [MilestoneDetails("Design", "500", 3)]},
            "milestones_sum",
        ),
        (
            {
                "milestones": [
                    MilestoneDetails("Build", "1000", 9),
                    MilestoneDetails("Design", "500", 3),
                ]
            },
            "milestone_due",
        ),
        (
            {"options": [OptionDetails("basic", "One page", "1000", 5)]},
            "options_invalid",
        ),
        (
            {
                "options": [
                    OptionDetails("basic", "One page", "2000", 5),
                    OptionDetails("premium", "More", "1000", 5),
                ]
            },
            "options_not_ascending",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(project, freelancer, overrides, code):
    with pytest.raises(InvalidInput) as error:
        services.proposal_submit(
            freelancer=freelancer, project_id=project.pk, details=details(**overrides)
        )
    assert error.value.code == code
    assert not Proposal.objects.exists()


def test_unanswered_screening_questions_are_refused(freelancer):
    project = open_project(screening_questions=["Which stack?"])
    with pytest.raises(InvalidInput) as error:
        services.proposal_submit(
            freelancer=freelancer, project_id=project.pk, details=details(answers=["  "])
        )
    assert error.value.code == "answers_missing"
    assert not Proposal.objects.exists()


def test_a_wrong_file_type_is_refused_and_nothing_is_written(project, freelancer):
    upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00binary", content_type="image/png")
    with pytest.raises(InvalidInput) as error:
        services.proposal_submit(
            freelancer=freelancer, project_id=project.pk, details=details(), attachments=[upload]
        )
    assert error.value.code == "file_type"
    assert not Proposal.objects.exists()
    assert not ProposalAttachment.objects.exists()


def test_hourly_projects_take_no_milestones_or_tiers(freelancer):
    project = open_project(budget_type="hourly", budget_min="100", budget_max="200")
    with pytest.raises(InvalidInput):
        services.proposal_submit(freelancer=freelancer, project_id=project.pk, details=planned())
    with pytest.raises(InvalidInput):
        services.proposal_submit(freelancer=freelancer, project_id=project.pk, details=tiered())
    assert not Proposal.objects.exists()


def test_a_second_proposal_on_the_same_project_is_refused(project, freelancer):
    first = proposal_on(project, freelancer)
    with pytest.raises(Conflict) as error:
        proposal_on(project, freelancer)
    assert error.value.code == "proposal_exists"
    assert list(Proposal.objects.all()) == [first]


def test_after_withdrawing_a_freelancer_may_propose_again(project, freelancer):
    first = proposal_on(project, freelancer)
    services.proposal_withdraw(freelancer=freelancer, proposal_id=first.pk)
    again = proposal_on(project, freelancer)
    assert again.pk != first.pk
    assert Proposal.objects.filter(status=Status.SUBMITTED).count() == 1


def test_the_client_cannot_propose_on_their_own_project(project):
    with pytest.raises(Conflict) as error:
        proposal_on(project, project.client)
    assert error.value.code == "own_project"
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    "status", [ProjectStatus.DRAFT, ProjectStatus.CLOSED, ProjectStatus.IN_REVIEW]
)
def test_only_open_projects_take_proposals(freelancer, status):
    project = open_project(status=status)
    with pytest.raises((Conflict, NotFound)):
        proposal_on(project, freelancer)
    assert not Proposal.objects.exists()


def test_an_invite_only_project_is_not_found_without_an_invitation(freelancer):
    project = open_project(visibility="invite_only")
    with pytest.raises(NotFound):
        proposal_on(project, freelancer)
    assert not Proposal.objects.exists()


def test_edit_replaces_content_until_the_client_reads_it(project, freelancer):
    proposal = proposal_on(project, freelancer)
    services.proposal_update(
        freelancer=freelancer, proposal_id=proposal.pk, details=planned(amount="1500")
    )
    assert proposal.milestones.count() == 2

    services.proposal_mark_viewed(client=project.client, proposal_id=proposal.pk)
    before = snapshot(proposal)
    with pytest.raises(Conflict) as error:
        services.proposal_update(
            freelancer=freelancer, proposal_id=proposal.pk, details=details(amount="999")
        )
    assert error.value.code == "proposal_locked"
    assert snapshot(proposal) == before


def test_a_stranger_cannot_edit_or_withdraw(project, freelancer):
    proposal = proposal_on(project, freelancer)
    before = snapshot(proposal)
    stranger = UserFactory()
    with pytest.raises(NotFound):
        services.proposal_update(
            freelancer=stranger, proposal_id=proposal.pk, details=details(cover_letter=LETTER * 2)
        )
    with pytest.raises(NotFound):
        services.proposal_withdraw(freelancer=stranger, proposal_id=proposal.pk)
    with pytest.raises(NotFound):
        services.proposal_withdraw(freelancer=project.client, proposal_id=proposal.pk)
    assert snapshot(proposal) == before


def test_only_the_projects_client_acts_on_proposals(project, freelancer):
    proposal = proposal_on(project, freelancer)
    before = snapshot(proposal)
    for outsider in (UserFactory(), freelancer):
        with pytest.raises(NotFound):
            services.proposal_shortlist(client=outsider, proposal_id=proposal.pk)
        with pytest.raises(NotFound):
            services.proposal_decline(client=outsider, proposal_id=proposal.pk)
        with pytest.raises(NotFound):
            services.proposal_hire(client=outsider, proposal_id=proposal.pk)
        with pytest.raises(NotFound):
            services.proposal_mark_viewed(client=outsider, proposal_id=proposal.pk)
    assert snapshot(proposal) == before
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN


def test_shortlist_and_back_write_history(project, freelancer):
    proposal = proposal_on(project, freelancer)
    services.proposal_shortlist(client=project.client, proposal_id=proposal.pk)
    services.proposal_unshortlist(client=project.client, proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    assert proposal.viewed_at is not None
    moves = list(proposal.status_changes.values_list("from_status", "to_status"))
    assert moves == [("submitted", "shortlisted"), ("shortlisted", "submitted")]


def test_decline_keeps_the_reason_and_note(project, freelancer):
    proposal = proposal_on(project, freelancer)
    services.proposal_decline(
        client=project.client,
        proposal_id=proposal.pk,
        reason=DeclineReason.BUDGET,
        note="Thanks, a bit above our budget.",
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_reason) == (Status.DECLINED, "budget")
    assert proposal.decline_note == "Thanks, a bit above our budget."
    with pytest.raises(Conflict):
        services.proposal_withdraw(freelancer=freelancer, proposal_id=proposal.pk)


def test_decline_with_an_unknown_reason_changes_nothing(project, freelancer):
    proposal = proposal_on(project, freelancer)
    before = snapshot(proposal)
    with pytest.raises(InvalidInput):
        services.proposal_decline(client=project.client, proposal_id=proposal.pk, reason="rude")
    assert snapshot(proposal) == before


def test_hire_awards_the_project_and_declines_the_others(project, freelancer):
    hired = proposal_on(project, freelancer)
    other = proposal_on(project)
    services.proposal_hire(client=project.client, proposal_id=hired.pk)
    hired.refresh_from_db()
    other.refresh_from_db()
    project.refresh_from_db()
    assert hired.status == Status.HIRED and hired.hired_at is not None
    assert (other.status, other.decline_reason) == (Status.DECLINED, DeclineReason.OTHER_HIRED)
    assert project.status == ProjectStatus.AWARDED
    assert project.status_changes.filter(to_status="awarded", actor=project.client).exists()


def test_hiring_a_tiered_proposal_needs_one_of_its_options(project, freelancer):
    proposal = services.proposal_submit(
        freelancer=freelancer, project_id=project.pk, details=tiered()
    )
    before = snapshot(proposal)
    with pytest.raises(InvalidInput) as error:
        services.proposal_hire(client=project.client, proposal_id=proposal.pk)
    assert error.value.code == "option_required"
    assert snapshot(proposal) == before

    standard = proposal.options.get(tier="standard")
    services.proposal_hire(client=project.client, proposal_id=proposal.pk, option_id=standard.pk)
    proposal.refresh_from_db()
    terms = hire_terms(proposal=proposal)
    assert (terms.price, terms.delivery_days, terms.option) == (Decimal("1500.00"), 10, standard)


def test_hire_terms_carry_the_milestone_plan(project, freelancer):
    proposal = services.proposal_submit(
        freelancer=freelancer, project_id=project.pk, details=planned()
    )
    services.proposal_hire(client=project.client, proposal_id=proposal.pk)
    terms = hire_terms(proposal=Proposal.objects.get(pk=proposal.pk))
    assert [(m.title, m.amount) for m in terms.milestones] == [
        ("Design", Decimal("500.00")),
        ("Build", Decimal("1000.00")),
    ]


def test_nobody_is_hired_twice_on_one_project(project):
    first, second = proposal_on(project), proposal_on(project)
    services.proposal_hire(client=project.client, proposal_id=first.pk)
    before = snapshot(second)
    with pytest.raises(Conflict):
        services.proposal_hire(client=project.client, proposal_id=second.pk)
    assert snapshot(second) == before


def test_transition_map_refuses_illegal_moves(project, freelancer):
    proposal = proposal_on(project, freelancer)
    services.proposal_withdraw(freelancer=freelancer, proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert ALLOWED_TRANSITIONS[Status.WITHDRAWN] == frozenset()
    count = ProposalStatusChange.objects.count()
    with pytest.raises(Conflict) as error:
        services.proposal_transition(proposal=proposal, to=Status.HIRED, actor=project.client)
    assert error.value.code == "illegal_transition"
    assert ProposalStatusChange.objects.count() == count
