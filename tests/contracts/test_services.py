"""Contract services: offers and acceptance of exact terms, the milestone escrow loop,
auto-approval, mutual cancellation; every denied action leaves the books and rows unchanged."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from jiedan.catalog.models import OrderStatus
from jiedan.catalog.services import service_order_place
from jiedan.contracts import services
from jiedan.contracts.models import (
    CancellationStatus,
    Contract,
    ContractTerms,
    Delivery,
    MilestoneStatus,
    Status,
    TermsAcceptance,
)
from jiedan.contracts.terms import milestones_from_template, terms_digest
from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.models import PendingFunds, Purpose
from jiedan.ledger.selectors import account_balance, wallet_summary
from tests.catalog.factories import published_service
from tests.factories import UserFactory
from tests.ledger.helpers import balances, top_up

from .factories import (
    PLAN,
    active_contract,
    funded_milestone,
    hired_proposal,
    hourly_overrides,
    milestones,
    offered_contract,
    submitted_milestone,
    terms,
)

pytestmark = pytest.mark.django_db


def _state(contract: Contract):
    """Everything a refused action must leave as it was."""
    return (
        balances(),
        list(contract.milestones.order_by("pk").values_list("status", "revisions_used")),
        Contract.objects.get(pk=contract.pk).status,
        Delivery.objects.count(),
    )


# --- offers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("overrides", [{}, hourly_overrides()], ids=["fixed", "hourly"])
def test_the_stored_terms_give_back_the_digest_both_parties_accepted(overrides):
    # given an offer, fixed-price or hourly (whose total is zero)
    contract = offered_contract(plan=() if overrides else PLAN, **overrides)
    # when anyone hashes the terms as stored, read back from the database
    stored = ContractTerms.objects.get(contract=contract)
    digest = terms_digest(
        contract_id=contract.pk, version=stored.version, parties=contract.party_ids(), doc=stored
    )
    # then it is the digest the parties accepted
    assert digest == stored.digest == TermsAcceptance.objects.get().digest


def test_offer_records_the_clients_acceptance_of_the_exact_terms():
    # when
    contract = offered_contract()
    # then
    terms_v1 = contract.terms
    assert (contract.status, terms_v1.version, terms_v1.total) == (
        Status.OFFERED,
        1,
        Decimal("1000.00"),
    )
    expected = terms_digest(
        contract_id=contract.pk, version=1, parties=contract.party_ids(), doc=terms_v1
    )
    assert terms_v1.digest == expected and len(expected) == 64
    acceptance = TermsAcceptance.objects.get()
    assert (acceptance.party, acceptance.digest, acceptance.ip_address) == (
        contract.client,
        terms_v1.digest,
        "203.0.113.7",
    )
    assert not contract.milestones.exists()


def test_accepting_the_same_terms_starts_the_contract_with_its_milestones():
    contract = active_contract()
    assert contract.status == Status.ACTIVE and contract.started_at is not None
    assert [(m.title, m.amount, m.status) for m in milestones(contract)] == [
        ("Design", Decimal("300.00"), MilestoneStatus.UNFUNDED),
        ("Build", Decimal("700.00"), MilestoneStatus.UNFUNDED),
    ]
    freelancer_acceptance = TermsAcceptance.objects.get(party=contract.freelancer)
    assert freelancer_acceptance.ip_address == "198.51.100.4"


def test_revised_terms_cannot_be_accepted_with_the_old_digest():
    # given the freelancer read version 1, then the client revised the offer
    contract = offered_contract()
    old_digest = contract.terms.digest
    services.contract_offer_revise(
        client=contract.client, contract_id=contract.pk, details=terms(revisions=0)
    )
    # when the freelancer accepts what they read
    with pytest.raises(Conflict) as error:
        services.contract_accept(
            actor=contract.freelancer, contract_id=contract.pk, digest=old_digest
        )
    # then nothing is accepted and the contract still waits on version 2
    assert error.value.code == "terms_changed"
    contract.refresh_from_db()
    assert (contract.status, contract.terms.version) == (Status.OFFERED, 2)
    assert not TermsAcceptance.objects.filter(party=contract.freelancer).exists()
    assert contract.terms.digest != old_digest


def test_any_change_to_the_terms_changes_the_digest():
    first, second = offered_contract(), offered_contract(scope="Something else entirely.")
    assert first.terms.digest != second.terms.digest


def test_only_the_hiring_client_offers_and_only_once():
    proposal = hired_proposal()
    client = proposal.project.client
    with pytest.raises(NotFound):
        services.contract_offer_from_proposal(
            client=UserFactory(), proposal_id=proposal.pk, details=terms()
        )
    services.contract_offer_from_proposal(client=client, proposal_id=proposal.pk, details=terms())
    with pytest.raises(Conflict) as error:
        services.contract_offer_from_proposal(
            client=client, proposal_id=proposal.pk, details=terms()
        )
    assert error.value.code == "contract_exists"
    assert Contract.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"scope": "  "}, "scope_missing"),
        ({"deadline": timezone.localdate() - timedelta(days=1)}, "deadline"),
        ({"revisions": 11}, "revisions"),
        ({"plan": ()}, "milestones_missing"),
        ({"plan": (("Design", "0"),)}, "amount_out_of_range"),
        ({"plan": (("  ", "10"),)}, "milestone_title"),
        ({"ip_transfer": "whenever"}, "ip_transfer"),
    ],
)
def test_bad_terms_are_refused_and_nothing_is_stored(overrides, code):
    proposal = hired_proposal()
    plan = overrides.pop("plan", None)
    details = terms(plan, **overrides) if plan is not None else terms(**overrides)
    with pytest.raises(InvalidInput) as error:
        services.contract_offer_from_proposal(
            client=proposal.project.client, proposal_id=proposal.pk, details=details
        )
    assert error.value.code == code
    assert not Contract.objects.exists()


def test_milestone_templates_split_the_total_exactly():
    parts = milestones_from_template("30-30-40", "1000.01", "CNY")
    assert [p.amount for p in parts] == [Decimal("300.00"), Decimal("300.00"), Decimal("400.01")]


def test_freelancer_declines_and_client_withdraws_only_waiting_offers():
    declined, withdrawn = offered_contract(), offered_contract()
    services.contract_decline(
        freelancer=declined.freelancer, contract_id=declined.pk, reason="Too busy"
    )
    services.contract_withdraw(client=withdrawn.client, contract_id=withdrawn.pk)
    declined.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (declined.status, withdrawn.status) == (Status.DECLINED, Status.CANCELLED)
    assert declined.status_changes.get().reason == "Too busy"
    with pytest.raises(PermissionDenied):
        services.contract_decline(freelancer=withdrawn.client, contract_id=withdrawn.pk)
    with pytest.raises(Conflict):
        services.contract_accept(
            actor=declined.freelancer, contract_id=declined.pk, digest=declined.terms.digest
        )


def test_an_order_becomes_an_offer_on_its_own_terms():
    # given a placed order
    service = published_service()
    buyer = UserFactory()
    order = service_order_place(
        buyer=buyer,
        service_id=service.pk,
        tier_level="basic",
        extra_ids=[],
        idempotency_key="order-1",
    ).order
    # when the buyer offers the contract
    contract = services.contract_offer_from_order(buyer=buyer, order_id=order.pk)
    # then the terms are the order's and the order is contracted
    order.refresh_from_db()
    assert (order.status, order.contract_id) == (OrderStatus.CONTRACTED, contract.pk)
    assert contract.terms.total == order.total
    assert contract.terms.revisions == order.revisions
    assert contract.freelancer == service.owner
    with pytest.raises(NotFound):
        services.contract_offer_from_order(buyer=buyer, order_id=order.pk)


# --- the escrow loop -------------------------------------------------------------------------


def test_funding_moves_wallet_money_into_the_milestones_escrow():
    # given
    contract = active_contract()
    top_up(contract.client, "500.00")
    first = milestones(contract)[0]
    # when
    services.milestone_fund(client=contract.client, milestone_id=first.pk)
    # then
    first.refresh_from_db()
    assert first.status == MilestoneStatus.FUNDED and first.funded_at is not None
    summary = wallet_summary(owner=contract.client, currency="CNY")
    assert (summary.available, summary.in_escrow) == (Decimal("200.00"), Decimal("300.00"))
    assert ledger_audit() == []


def test_funding_with_a_short_wallet_says_how_much_to_top_up_and_moves_nothing():
    contract = active_contract()
    top_up(contract.client, "100.00")
    before = _state(contract)
    with pytest.raises(Conflict) as error:
        services.milestone_fund(client=contract.client, milestone_id=milestones(contract)[0].pk)
    assert error.value.code == "wallet_insufficient"
    assert "¥200.00" in str(error.value.message)
    assert _state(contract) == before


def test_a_freelancer_cannot_fund_and_a_stranger_cannot_see_the_milestone():
    contract = active_contract()
    top_up(contract.freelancer, "1000.00")
    milestone = milestones(contract)[0]
    before = _state(contract)
    with pytest.raises(PermissionDenied):
        services.milestone_fund(client=contract.freelancer, milestone_id=milestone.pk)
    with pytest.raises(NotFound):
        services.milestone_fund(client=UserFactory(), milestone_id=milestone.pk)
    assert _state(contract) == before


def test_submission_keeps_an_immutable_fingerprinted_delivery_and_starts_the_clock(settings):
    # given
    settings.JIEDAN_AUTO_APPROVE_DAYS = 14
    milestone = funded_milestone()
    now = timezone.now()
    pdf = SimpleUploadedFile("pages.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    # when
    delivery = services.milestone_submit(
        freelancer=milestone.contract.freelancer,
        milestone_id=milestone.pk,
        message="Home and services pages.",
        uploads=[pdf],
        now=now,
    )
    # then
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SUBMITTED
    assert milestone.auto_approve_at == now + timedelta(days=14)
    assert (delivery.number, len(delivery.digest)) == (1, 64)
    stored = delivery.files.get()
    assert stored.original_name == "pages.pdf" and len(stored.sha256) == 64
    with stored.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4\n%%EOF\n"


def test_request_changes_uses_revisions_then_is_refused():
    # given terms allowing one revision
    contract = active_contract(revisions=1)
    milestone = submitted_milestone(contract)
    client, freelancer = contract.client, contract.freelancer
    # when the client asks once, the freelancer resubmits, the client asks again
    services.milestone_request_changes(client=client, milestone_id=milestone.pk, note="Bigger logo")
    services.milestone_submit(freelancer=freelancer, milestone_id=milestone.pk, message="v2")
    before = _state(contract)
    with pytest.raises(Conflict) as error:
        services.milestone_request_changes(client=client, milestone_id=milestone.pk, note="Again")
    # then the second request is refused and both deliveries are kept
    assert error.value.code == "revisions_used_up"
    assert _state(contract) == before
    assert list(milestone.deliveries.values_list("number", flat=True)) == [1, 2]


def test_approval_pays_pending_net_of_commission_and_the_fee_to_the_platform(settings):
    # given
    settings.JIEDAN_COMMISSION_RATE = "0.10"
    milestone = submitted_milestone()
    contract = milestone.contract
    # when
    services.milestone_approve(client=contract.client, milestone_id=milestone.pk)
    # then
    milestone.refresh_from_db()
    assert (milestone.status, milestone.released_amount) == (
        MilestoneStatus.RELEASED,
        Decimal("300.00"),
    )
    freelancer = wallet_summary(owner=contract.freelancer, currency="CNY")
    assert (freelancer.pending, freelancer.available) == (Decimal("270.00"), Decimal("0.00"))
    fees = account_balance(purpose=Purpose.PLATFORM_FEES, currency="CNY")
    assert fees == Decimal("30.00")
    assert PendingFunds.objects.get().owner == contract.freelancer
    assert ledger_audit() == []


def test_approving_twice_and_a_stranger_approving_change_nothing():
    milestone = submitted_milestone()
    contract = milestone.contract
    with pytest.raises(NotFound):
        services.milestone_approve(client=UserFactory(), milestone_id=milestone.pk)
    with pytest.raises(PermissionDenied):
        services.milestone_approve(client=contract.freelancer, milestone_id=milestone.pk)
    services.milestone_approve(client=contract.client, milestone_id=milestone.pk)
    before = _state(contract)
    with pytest.raises(Conflict):
        services.milestone_approve(client=contract.client, milestone_id=milestone.pk)
    assert _state(contract) == before


def test_paying_every_milestone_completes_the_contract():
    contract = active_contract()
    for position in (1, 2):
        milestone = submitted_milestone(contract, position)
        services.milestone_approve(client=contract.client, milestone_id=milestone.pk)
    contract.refresh_from_db()
    assert contract.status == Status.COMPLETED and contract.ended_at is not None


# --- auto-approval and reminders -------------------------------------------------------------


def test_an_unanswered_submission_is_reminded_then_approved_automatically(
    settings, django_capture_on_commit_callbacks
):
    # given a submission with the client silent
    settings.JIEDAN_AUTO_APPROVE_DAYS = 14
    submitted_at = timezone.now() - timedelta(days=12)
    milestone = submitted_milestone(now=submitted_at)
    due = milestone.auto_approve_at
    # when the jobs run two days before, then at the due time
    with django_capture_on_commit_callbacks(execute=True):
        reminded = services.milestone_reminders_send(now=due - timedelta(days=2))
    early = services.milestones_auto_approve_due(now=due - timedelta(seconds=1))
    released = services.milestones_auto_approve_due(now=due)
    # then the client was reminded once by e-mail and the milestone paid once
    assert (reminded, early, released) == (1, 0, 1)
    assert services.milestone_reminders_send(now=due - timedelta(days=1)) == 0
    assert len(mail.outbox) == 1 and milestone.contract.client.email in mail.outbox[0].to
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.RELEASED
    change = milestone.status_changes.last()
    with translation.override("en"):
        assert change.actor is None and "automatically" in change.reason_display()
    assert services.milestones_auto_approve_due(now=due + timedelta(days=1)) == 0
    assert ledger_audit() == []


def test_requesting_changes_stops_the_auto_approval_clock():
    milestone = submitted_milestone(now=timezone.now() - timedelta(days=30))
    services.milestone_request_changes(
        client=milestone.contract.client, milestone_id=milestone.pk, note="Fix the footer"
    )
    assert services.milestones_auto_approve_due() == 0
    milestone.refresh_from_db()
    assert (milestone.status, milestone.auto_approve_at) == (
        MilestoneStatus.CHANGES_REQUESTED,
        None,
    )


# --- ending early ----------------------------------------------------------------------------


def test_mutual_cancellation_splits_the_escrow_as_agreed(settings):
    # given both milestones funded, the first submitted
    settings.JIEDAN_COMMISSION_RATE = "0.10"
    contract = active_contract()
    submitted_milestone(contract, 1)
    funded_milestone(contract, 2)
    # when the freelancer proposes keeping 400 of the 1000 and the client accepts
    cancellation = services.cancellation_propose(
        actor=contract.freelancer,
        contract_id=contract.pk,
        freelancer_share="400",
        reason="Scope changed",
    )
    services.cancellation_accept(actor=contract.client, cancellation_id=cancellation.pk)
    # then the first milestone is paid in full, the second 100 paid and 600 refunded
    first, second = milestones(contract)
    assert (first.status, first.released_amount, first.refunded_amount) == (
        MilestoneStatus.RELEASED,
        Decimal("300.00"),
        Decimal("0.00"),
    )
    assert (second.released_amount, second.refunded_amount) == (
        Decimal("100.00"),
        Decimal("600.00"),
    )
    contract.refresh_from_db()
    assert contract.status == Status.COMPLETED
    assert wallet_summary(owner=contract.client, currency="CNY").available == Decimal("600.00")
    assert wallet_summary(owner=contract.freelancer, currency="CNY").pending == Decimal("360.00")
    cancellation.refresh_from_db()
    assert cancellation.status == CancellationStatus.ACCEPTED
    assert ledger_audit() == []


def test_a_full_refund_by_agreement_cancels_the_contract():
    contract = active_contract()
    funded_milestone(contract, 1)
    cancellation = services.cancellation_propose(
        actor=contract.client, contract_id=contract.pk, freelancer_share="0", reason="No longer"
    )
    services.cancellation_accept(actor=contract.freelancer, cancellation_id=cancellation.pk)
    contract.refresh_from_db()
    assert contract.status == Status.CANCELLED
    assert [m.status for m in milestones(contract)] == [
        MilestoneStatus.REFUNDED,
        MilestoneStatus.CANCELLED,
    ]
    assert wallet_summary(owner=contract.client, currency="CNY").available == Decimal("300.00")


def test_a_client_cannot_cancel_alone_once_money_is_in_escrow():
    milestone = submitted_milestone()
    contract = milestone.contract
    before = _state(contract)
    with pytest.raises(Conflict) as error:
        services.contract_end(actor=contract.client, contract_id=contract.pk, reason="Bye")
    assert error.value.code == "escrow_held"
    own = services.cancellation_propose(
        actor=contract.client, contract_id=contract.pk, freelancer_share="0", reason="Bye"
    )
    with pytest.raises(PermissionDenied):
        services.cancellation_accept(actor=contract.client, cancellation_id=own.pk)
    assert _state(contract) == before


def test_a_stale_cancellation_cannot_be_accepted():
    contract = active_contract()
    funded_milestone(contract, 1)
    cancellation = services.cancellation_propose(
        actor=contract.client, contract_id=contract.pk, freelancer_share="0", reason="Stop"
    )
    funded_milestone(contract, 2)
    before = _state(contract)
    with pytest.raises(Conflict) as error:
        services.cancellation_accept(actor=contract.freelancer, cancellation_id=cancellation.pk)
    assert error.value.code == "cancellation_stale"
    assert _state(contract) == before


def test_a_contract_with_nothing_in_escrow_can_be_ended_by_either_party():
    contract = active_contract()
    services.contract_end(actor=contract.freelancer, contract_id=contract.pk, reason="Ill")
    contract.refresh_from_db()
    assert contract.status == Status.CANCELLED
    assert {m.status for m in milestones(contract)} == {MilestoneStatus.CANCELLED}


def test_a_paused_contract_takes_no_funding_but_still_takes_approvals():
    contract = active_contract()
    milestone = submitted_milestone(contract, 1)
    services.contract_pause(client=contract.client, contract_id=contract.pk)
    top_up(contract.client, "700.00")
    with pytest.raises(Conflict):
        services.milestone_fund(client=contract.client, milestone_id=milestones(contract)[1].pk)
    services.milestone_approve(client=contract.client, milestone_id=milestone.pk)
    services.contract_resume(client=contract.client, contract_id=contract.pk)
    contract.refresh_from_db()
    assert contract.status == Status.ACTIVE


# --- the audit -------------------------------------------------------------------------------


def test_the_audit_notices_a_milestone_whose_escrow_disagrees_with_its_status():
    milestone = funded_milestone()
    type(milestone).objects.filter(pk=milestone.pk).update(status=MilestoneStatus.RELEASED)
    problems = ledger_audit()
    assert [p.check for p in problems] == ["milestone_escrow_mismatch"]
    assert f"milestone {milestone.pk}" in problems[0].detail
