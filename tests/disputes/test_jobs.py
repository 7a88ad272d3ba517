"""The periodic dispute job: negotiations that end (to mediation, or settled as the opener
asked when the other party never answered), the queue assigned to the least busy mediator,
late decisions reported once — each run safe to repeat, the books balanced after each."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from jiedan.contracts.models import MilestoneStatus
from jiedan.disputes import services
from jiedan.disputes.tasks import advance_disputes
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.fees import release_split
from jiedan.notifications.models import Notification
from tests.factories import UserFactory

from .factories import AMOUNT, assigner, books, in_mediation, mediator, money, opened

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _after_negotiation(dispute):
    return dispute.negotiation_ends_at + timedelta(minutes=1)


@pytest.mark.parametrize(
    ("outcome", "part", "to_freelancer"),
    [("refund", None, "0"), ("release", None, "800.00"), ("split", "250.00", "250.00")],
)
def test_a_silent_other_party_gets_the_dispute_settled_as_the_opener_asked(
    outcome, part, to_freelancer
):
    # given a dispute the client opened; the freelancer never answers
    dispute = opened("client", outcome=outcome, part=part)
    contract = dispute.contract
    # the job does nothing before the negotiation time is over
    assert services.disputes_advance(now=dispute.negotiation_ends_at - DAY) == (0, 0, 0, 0)
    # when it runs after
    run = services.disputes_advance(now=_after_negotiation(dispute))
    # then the dispute is settled as asked, in one journal
    assert (run.mediation, run.auto_settled) == (0, 1)
    dispute.refresh_from_db()
    paid = Decimal(to_freelancer)
    assert (dispute.status, dispute.freelancer_amount, dispute.client_amount) == (
        "settled",
        paid,
        AMOUNT - paid,
    )
    net = release_split(paid, "CNY").net if paid else 0
    assert money(contract.freelancer) == (0, net, 0)
    assert money(contract.client) == (AMOUNT - paid, 0, 0)
    assert dispute.events.latest("pk").kind == "auto_settled"
    assert Notification.objects.filter(recipient=contract.freelancer, kind="dispute.settled")
    assert ledger_audit() == []
    # a second run finds nothing
    before = books()
    assert services.disputes_advance(now=_after_negotiation(dispute) + DAY) == (0, 0, 0, 0)
    assert books() == before


@pytest.mark.parametrize("answer", ["offer", "decline", "statement"])
def test_a_dispute_the_other_party_answered_goes_to_mediation(answer):
    dispute = opened("client")
    client, freelancer = dispute.contract.client, dispute.contract.freelancer
    if answer == "offer":
        services.dispute_offer_make(actor=freelancer, dispute_id=dispute.pk, outcome="release")
    elif answer == "decline":
        offer = services.dispute_offer_make(actor=client, dispute_id=dispute.pk, outcome="refund")
        services.dispute_offer_decline(actor=freelancer, offer_id=offer.pk)
    else:
        services.dispute_statement_add(actor=freelancer, dispute_id=dispute.pk, text="I did it.")
    now = _after_negotiation(dispute)
    run = services.disputes_advance(now=now)
    assert (run.mediation, run.auto_settled, run.assigned) == (1, 0, 0)  # no mediator exists
    dispute.refresh_from_db()
    assert (dispute.status, dispute.evidence_ends_at) == ("mediation", now + timedelta(days=3))
    assert dispute.milestone.status == MilestoneStatus.DISPUTED
    assert ledger_audit() == []


def test_the_queue_goes_to_the_mediator_with_the_fewest_open_disputes():
    # given two mediators, the first already busy with one dispute
    busy, free = mediator(), mediator()
    in_mediation(opened("client"), mediator_user=busy)
    waiting = opened("freelancer")
    services.dispute_escalate(actor=waiting.contract.client, dispute_id=waiting.pk)
    # when the job runs
    run = services.disputes_advance()
    # then the waiting dispute went to the free mediator
    assert run.assigned == 1
    waiting.refresh_from_db()
    assert waiting.mediator == free
    assert waiting.decision_due_at is not None
    assert Notification.objects.filter(recipient=free, kind="dispute.assigned_to_you")


def test_a_mediator_is_never_assigned_their_own_dispute():
    dispute = opened("client")
    services.dispute_escalate(actor=dispute.contract.client, dispute_id=dispute.pk)
    # the only mediator is the freelancer of the contract (staff with a contract of their own)
    freelancer = dispute.contract.freelancer
    freelancer.is_staff = True
    freelancer.save()
    freelancer.groups.add(Group.objects.get(name="mediator"))
    assert services.disputes_advance().assigned == 0
    dispute.refresh_from_db()
    assert dispute.mediator is None


def test_a_late_decision_is_reported_once_to_the_assigners_and_the_mediator():
    admin, other = assigner(), UserFactory()
    dispute = in_mediation(opened("client"))
    late = dispute.decision_due_at + timedelta(minutes=1)
    assert services.disputes_advance(now=late - DAY).overdue == 0
    assert services.disputes_advance(now=late).overdue == 1
    for person in (admin, dispute.mediator):
        notes = Notification.objects.filter(recipient=person, kind="dispute.decision_overdue")
        assert notes.count() == 1
        assert notes.get().data == {"dispute_id": dispute.pk}
    assert not Notification.objects.filter(recipient=other, kind="dispute.decision_overdue")
    assert services.disputes_advance(now=late + DAY).overdue == 0
    # a new mediator gets a new due date, and may be reported late again
    services.dispute_assign(
        actor=admin, dispute_id=dispute.pk, mediator_id=mediator().pk, now=late + DAY
    )
    assert services.disputes_advance(now=late + DAY * 9).overdue == 1


def test_the_task_runs_the_job(eager_tasks):
    dispute = opened("client")
    dispute.negotiation_ends_at = timezone.now() - DAY
    dispute.save(update_fields=["negotiation_ends_at"])
    assert advance_disputes.delay().get() == (0, 1, 0, 0)
    assert ledger_audit() == []
