"""Every domain event that tells someone something leaves exactly one notification for the
right person, and none for whoever acted."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from jiedan.contests.services import contest_award, entry_mark_not_valid
from jiedan.contracts import services as contracts
from jiedan.contracts.services.reminders import milestone_remind
from jiedan.ledger.models import PendingFunds
from jiedan.ledger.services import pending_funds_settle
from jiedan.notifications.models import Notification
from jiedan.payments.gateways import sandbox
from jiedan.payments.models import SandboxOperation
from jiedan.piecework import services as piecework
from jiedan.proposals.services import invitation_send, proposal_decline
from jiedan.verification import services as verification
from jiedan.verification.models import DocumentType
from tests.contests.factories import judging_contest, open_contest
from tests.contests.factories import submit as enter
from tests.contracts.factories import (
    active_contract,
    hired_proposal,
    offered_contract,
    submitted_milestone,
)
from tests.factories import StaffFactory, UserFactory
from tests.payments.factories import (
    bank_method,
    deliver,
    refund_sent,
    sandbox_of,
    top_up_paid,
    withdrawal_sent,
)
from tests.piecework.factories import open_task
from tests.projects.factories import open_project
from tests.proposals.factories import proposal_on
from tests.savedsearches.helpers import publish, save
from tests.verification.conftest import png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def told(user, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def only(kind: str, user) -> None:
    """Exactly one notification of ``kind``, and it went to ``user``."""
    assert list(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True)) == [
        user.pk
    ]


def test_a_new_proposal_tells_the_client():
    project = open_project()
    proposal = proposal_on(project)
    only("proposal.submitted", project.client)
    notification = Notification.objects.get(kind="proposal.submitted")
    assert notification.actor_id == proposal.freelancer_id
    assert notification.data["project_title"] == project.title


def test_hiring_tells_the_freelancer():
    proposal = hired_proposal()
    only("proposal.hired", proposal.freelancer)


def test_declining_tells_the_freelancer():
    project = open_project()
    proposal = proposal_on(project)
    proposal_decline(client=project.client, proposal_id=proposal.pk)
    only("proposal.declined", proposal.freelancer)


def test_an_invitation_tells_the_freelancer():
    project, freelancer = open_project(), UserFactory()
    invitation_send(client=project.client, project_id=project.pk, freelancer_id=freelancer.pk)
    only("invitation.received", freelancer)


def test_contract_events_tell_the_other_party_only():
    contract = offered_contract()
    only("contract.offered", contract.freelancer)
    contract = active_contract()
    only("contract.accepted", contract.client)
    assert told(contract.freelancer, "contract.accepted") == 0
    notification = Notification.objects.get(kind="contract.accepted")
    assert notification.data["contract_title"] == contract.title


def test_milestone_events_and_the_reminder_tell_the_other_party():
    milestone = submitted_milestone()
    contract = milestone.contract
    only("milestone.funded", contract.freelancer)
    only("milestone.submitted", contract.client)
    assert milestone_remind(milestone_id=milestone.pk, now=milestone.auto_approve_at)
    only("milestone.auto_approve_soon", contract.client)


def test_a_system_action_tells_both_parties():
    milestone = submitted_milestone()
    contracts.milestone_auto_approve(
        milestone_id=milestone.pk, now=milestone.auto_approve_at + timedelta(minutes=1)
    )
    recipients = set(
        Notification.objects.filter(kind="milestone.released").values_list(
            "recipient_id", flat=True
        )
    )
    assert recipients == set(milestone.contract.party_ids())


def test_earnings_becoming_available_tell_their_owner():
    milestone = submitted_milestone()
    contracts.milestone_approve(client=milestone.contract.client, milestone_id=milestone.pk)
    funds = PendingFunds.objects.get(owner=milestone.contract.freelancer)
    pending_funds_settle(funds_id=funds.pk, now=funds.available_at)
    only("payment.available", milestone.contract.freelancer)
    # settling again tells nobody twice
    pending_funds_settle(funds_id=funds.pk, now=funds.available_at)
    only("payment.available", milestone.contract.freelancer)


def test_contest_entries_tell_the_client_and_the_results_tell_the_authors():
    contest = open_contest()
    entry = enter(contest)
    only("contest.entry.submitted", contest.client)
    contest, entries = judging_contest(entries=3)
    entry_mark_not_valid(client=contest.client, entry_id=entries[2].pk, reason="Off the brief")
    only("contest.entry.not_valid", entries[2].author)
    winners = [entries[0].pk, entries[1].pk]
    contest_award(client=contest.client, contest_id=contest.pk, entry_ids=winners)
    won = Notification.objects.filter(kind="contest.entry.won")
    assert sorted(won.values_list("recipient_id", flat=True)) == sorted(
        [entries[0].author_id, entries[1].author_id]
    )
    assert entry.author_id != contest.client_id


def test_piece_rate_events_tell_the_client_then_the_author():
    task = open_task()
    author = UserFactory()
    first = piecework.piece_submit(author=author, task_id=task.pk, text="red, shirt")
    second = piecework.piece_submit(author=author, task_id=task.pk, text="blue, hat")
    assert told(task.client, "piecework.piece.submitted") == 2
    assert told(author, "piecework.piece.submitted") == 0
    piecework.piece_accept(client=task.client, piece_id=first.pk)
    piecework.piece_reject(client=task.client, piece_id=second.pk, reason="Both tags are wrong.")
    only("piecework.piece.accepted", author)
    only("piecework.piece.rejected", author)


def test_a_saved_search_alert_is_in_the_owners_centre_once(django_capture_on_commit_callbacks):
    search = save(UserFactory(), query="网站")
    publish(django_capture_on_commit_callbacks, title="企业网站 website")
    only("saved_search.match", search.owner)
    notification = Notification.objects.get(kind="saved_search.match")
    assert notification.data["saved_search_name"] == search.name


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_the_identity_decision_tells_the_person(decision):
    user = UserFactory()
    png = SimpleUploadedFile("id.png", png_bytes(), content_type="image/png")
    submission = verification.identity_submit(
        user=user,
        document_type=DocumentType.CN_RESIDENT_ID,
        real_name="张三丰",
        id_number="11010519491231002X",
        document=png,
    )
    reviewer = StaffFactory(roles=["moderator"])
    if decision == "approve":
        verification.identity_submission_approve(submission_id=submission.pk, actor=reviewer)
        only("verification.identity.approved", user)
    else:
        verification.identity_submission_reject(
            submission_id=submission.pk, actor=reviewer, reason="The photo is blurred."
        )
        only("verification.identity.rejected", user)
    assert Notification.objects.get(recipient=user).actor_id is None


def test_no_notification_ever_goes_to_its_actor():
    submitted_milestone()
    assert Notification.objects.exists()
    assert not Notification.objects.filter(actor_id=F("recipient_id")).exists()


def test_wallet_money_arriving_or_coming_back_tells_its_owner():
    user = UserFactory()
    top_up = top_up_paid(user, "500.00")
    only("wallet.top_up.succeeded", user)
    payout = sandbox_of(withdrawal_sent(user, bank_method(user)), SandboxOperation.Kind.PAYOUT)
    deliver(sandbox.sandbox_decide(kind=payout.kind, token=payout.token, succeeded=True))
    only("wallet.withdrawal.paid", user)
    deliver(sandbox_of(refund_sent(user, top_up, "50.00"), SandboxOperation.Kind.REFUND))
    only("wallet.refund.refunded", user)
    deliver(sandbox_of(refund_sent(user, top_up, "10.66", key="r-2"), SandboxOperation.Kind.REFUND))
    only("wallet.refund.failed", user)  # the sandbox refuses refunds of 10.66
