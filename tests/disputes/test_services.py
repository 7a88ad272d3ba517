"""Disputes through the services: opening on a milestone or an hourly week, offers, asking for
a mediator, withdrawing, evidence, assignment and the mediator's decision. Every path ends
with the books balanced (``ledger_audit``) and each person's money where the rules say; every
refusal leaves balances and rows as they were."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from jiedan.contracts import services as contract_services
from jiedan.contracts.models import MilestoneStatus, StatementStatus, Status
from jiedan.contracts.services.milestones import auto_approve_after
from jiedan.contracts.services.statements import statements_close_and_bill
from jiedan.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from jiedan.disputes import services
from jiedan.disputes.models import (
    Dispute,
    DisputeEvent,
    DisputeEvidence,
    DisputeOffer,
    OfferStatus,
)
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.fees import release_split
from jiedan.ledger.models import Journal, PendingFunds, Purpose
from jiedan.ledger.selectors import account_balance
from jiedan.messaging.models import Membership
from jiedan.notifications.models import Notification
from tests.contracts.factories import active_contract, stranger

from .factories import (
    AMOUNT,
    NEXT_MONDAY,
    assigner,
    books,
    claim,
    closed_week,
    in_mediation,
    mediator,
    milestone_in_escrow,
    money,
    opened,
)

pytestmark = pytest.mark.django_db

LATER = timedelta(days=30)  # past every time limit of a dispute opened now


def _hold(reference: str) -> Decimal:
    return account_balance(purpose=Purpose.DISPUTE_HOLD, currency="CNY", reference=reference)


def _escrow(reference: str) -> Decimal:
    return account_balance(purpose=Purpose.ESCROW, currency="CNY", reference=reference)


def _fees() -> Decimal:
    return account_balance(purpose=Purpose.PLATFORM_FEES, currency="CNY")


def _png(name="screenshot.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _kinds(dispute) -> list[str]:
    return list(dispute.events.order_by("pk").values_list("kind", flat=True))


# --- opening ---------------------------------------------------------------------------------


def test_client_opens_a_dispute_on_a_submitted_milestone_and_the_escrow_moves_to_dispute_hold():
    # given a submitted milestone of 800.00 in escrow
    milestone = milestone_in_escrow("submitted")
    contract = milestone.contract
    assert milestone.auto_approve_at is not None
    # when the client opens a dispute asking for a refund
    dispute = services.dispute_open_milestone(
        actor=contract.client, milestone_id=milestone.pk, claim=claim("refund")
    )
    # then the money is in the dispute hold, no longer in escrow, still the client's
    milestone.refresh_from_db()
    reference = milestone.escrow_reference
    assert (_escrow(reference), _hold(reference)) == (0, AMOUNT)
    assert money(contract.client) == (0, 0, AMOUNT)
    assert (dispute.status, dispute.amount, dispute.held_amount) == ("negotiation", AMOUNT, AMOUNT)
    assert (dispute.opener_side, dispute.previous_status) == ("client", "submitted")
    assert dispute.negotiation_ends_at > timezone.now() + timedelta(days=4, hours=23)
    # the milestone is disputed (recorded), and its auto-approval clock stopped
    assert milestone.status == MilestoneStatus.DISPUTED
    assert milestone.auto_approve_at is None
    change = milestone.status_changes.latest("pk")
    assert (change.from_status, change.to_status, change.actor) == (
        "submitted",
        "disputed",
        contract.client,
    )
    with translation.override("en"):
        assert change.reason_display() == "a dispute was opened"
    journal = Journal.objects.get(idempotency_key=f"dispute:{dispute.pk}:hold")
    assert journal.kind == "escrow.disputed"
    assert _kinds(dispute) == ["opened"]
    assert Notification.objects.filter(
        recipient=contract.freelancer, kind="dispute.opened", data__dispute_id=dispute.pk
    ).exists()
    assert ledger_audit() == []


def test_freelancer_opens_a_dispute_on_a_funded_milestone():
    milestone = milestone_in_escrow("funded")
    dispute = services.dispute_open_milestone(
        actor=milestone.contract.freelancer,
        milestone_id=milestone.pk,
        claim=claim("split", part="500.00", reason="not_approved"),
    )
    assert (dispute.opener_side, dispute.previous_status) == ("freelancer", "funded")
    assert dispute.desired_freelancer_amount == Decimal("500.00")
    assert _hold(milestone.escrow_reference) == AMOUNT
    assert ledger_audit() == []


def test_the_negotiation_time_follows_the_setting(settings):
    settings.JIEDAN_DISPUTE_NEGOTIATION_DAYS = 2
    now = timezone.now()
    dispute = opened(now=now)
    assert dispute.negotiation_ends_at == now + timedelta(days=2)


@pytest.mark.parametrize(
    ("who", "error"), [("stranger", NotFound), ("anonymous", NotAuthenticated)]
)
def test_only_a_party_opens_a_dispute(who, error):
    milestone = milestone_in_escrow()
    actor = stranger() if who == "stranger" else AnonymousUser()
    before = books()
    with pytest.raises(error):
        services.dispute_open_milestone(actor=actor, milestone_id=milestone.pk, claim=claim())
    assert books() == before
    assert not Dispute.objects.exists()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SUBMITTED


@pytest.mark.parametrize(
    ("bad_claim", "code"),
    [
        (claim(reason="bored"), "reason_invalid"),
        (claim(outcome="everything"), "outcome_invalid"),
        (claim("split"), "split_amount_missing"),
        (claim("split", part="0"), "split_out_of_range"),
        (claim("split", part=str(AMOUNT)), "split_out_of_range"),
        (claim("split", part="900"), "split_out_of_range"),
    ],
)
def test_an_incomplete_claim_is_refused_and_nothing_moves(bad_claim, code):
    milestone = milestone_in_escrow()
    before = books()
    with pytest.raises(InvalidInput) as caught:
        services.dispute_open_milestone(
            actor=milestone.contract.client, milestone_id=milestone.pk, claim=bad_claim
        )
    assert caught.value.code == code
    assert books() == before
    assert not Dispute.objects.exists()


def test_what_happened_is_required():
    milestone = milestone_in_escrow()
    empty = services.Claim(reason="late", details="  ", desired_outcome="refund")
    with pytest.raises(InvalidInput) as caught:
        services.dispute_open_milestone(
            actor=milestone.contract.client, milestone_id=milestone.pk, claim=empty
        )
    assert caught.value.code == "details_missing"


def test_a_milestone_without_money_in_escrow_or_already_disputed_cannot_be_disputed():
    contract = active_contract(plan=(("Design", "300.00"), ("Build", "700.00")))
    unfunded = contract.milestones.get(position=2)
    with pytest.raises(Conflict) as caught:
        services.dispute_open_milestone(
            actor=contract.client, milestone_id=unfunded.pk, claim=claim()
        )
    assert caught.value.code == "not_disputable"
    dispute = opened()
    before = books()
    with pytest.raises(Conflict) as caught:
        services.dispute_open_milestone(
            actor=dispute.contract.freelancer, milestone_id=dispute.milestone_id, claim=claim()
        )
    assert caught.value.code == "not_disputable"
    assert books() == before
    assert Dispute.objects.count() == 1


def test_a_paid_milestone_cannot_be_disputed():
    milestone = milestone_in_escrow()
    contract = milestone.contract
    contract_services.milestone_approve(client=contract.client, milestone_id=milestone.pk)
    with pytest.raises(Conflict) as caught:
        services.dispute_open_milestone(
            actor=contract.client, milestone_id=milestone.pk, claim=claim()
        )
    # the contract completed with its last milestone paid
    assert caught.value.code == "contract_not_active"


def test_an_open_dispute_blocks_approval_auto_approval_and_ending_the_contract():
    # given a dispute on a submission already past its auto-approval time
    overdue = timezone.now() - auto_approve_after() - timedelta(hours=1)
    milestone = milestone_in_escrow("submitted", now=overdue)
    contract = milestone.contract
    services.dispute_open_milestone(actor=contract.client, milestone_id=milestone.pk, claim=claim())
    before = books()
    # then the job releases nothing, the client cannot approve, nobody can end the contract
    assert contract_services.milestones_auto_approve_due() == 0
    with pytest.raises(Conflict):
        contract_services.milestone_approve(client=contract.client, milestone_id=milestone.pk)
    with pytest.raises(Conflict) as caught:
        contract_services.cancellation_propose(
            actor=contract.freelancer, contract_id=contract.pk, freelancer_share="0", reason="x"
        )
    assert caught.value.code == "in_dispute"
    assert books() == before


def test_a_dispute_after_the_auto_approval_finds_the_money_paid_and_moves_nothing():
    # the race with the job, serialised (SQLite): the job came first
    overdue = timezone.now() - auto_approve_after() - timedelta(hours=1)
    milestone = milestone_in_escrow("submitted", now=overdue)
    assert contract_services.milestones_auto_approve_due() == 1
    before = books()
    with pytest.raises(Conflict):
        services.dispute_open_milestone(
            actor=milestone.contract.client, milestone_id=milestone.pk, claim=claim()
        )
    assert books() == before
    assert not Dispute.objects.exists()
    assert ledger_audit() == []


# --- offers ----------------------------------------------------------------------------------


def test_an_accepted_offer_settles_the_dispute_in_one_journal():
    # given a dispute the client opened; the freelancer offers 500, the client declines it
    dispute = opened("client")
    contract = dispute.contract
    client, freelancer = contract.client, contract.freelancer
    first = services.dispute_offer_make(
        actor=freelancer, dispute_id=dispute.pk, outcome="split", freelancer_amount="500"
    )
    services.dispute_offer_decline(actor=client, offer_id=first.pk, note="Too much.")
    # when the client offers 300 and the freelancer accepts
    second = services.dispute_offer_make(
        actor=client, dispute_id=dispute.pk, outcome="split", freelancer_amount="300.00"
    )
    services.dispute_offer_accept(actor=freelancer, offer_id=second.pk)
    # then the hold paid out in one journal: 300 to the freelancer (net of the commission),
    # 500 back to the client
    dispute.refresh_from_db()
    split = release_split(Decimal("300.00"), "CNY")
    assert money(client) == (Decimal("500.00"), 0, 0)
    assert money(freelancer) == (0, split.net, 0)
    assert _fees() == split.commission
    settle = Journal.objects.get(idempotency_key=f"dispute:{dispute.pk}:settle")
    assert settle.kind == "escrow.dispute_settled"
    assert settle.entries.count() == 4
    assert PendingFunds.objects.get(journal=settle).amount == split.net
    assert (dispute.status, dispute.freelancer_amount, dispute.client_amount) == (
        "settled",
        Decimal("300.00"),
        Decimal("500.00"),
    )
    assert dispute.closed_at is not None
    # the milestone records the split and the contract completes
    milestone = dispute.milestone
    milestone.refresh_from_db()
    assert (milestone.status, milestone.released_amount, milestone.refunded_amount) == (
        MilestoneStatus.RELEASED,
        Decimal("300.00"),
        Decimal("500.00"),
    )
    contract.refresh_from_db()
    assert contract.status == Status.COMPLETED
    assert DisputeOffer.objects.get(pk=first.pk).status == OfferStatus.DECLINED
    assert DisputeOffer.objects.get(pk=second.pk).status == OfferStatus.ACCEPTED
    assert _kinds(dispute) == [
        "opened",
        "offer_made",
        "offer_declined",
        "offer_made",
        "offer_accepted",
        "settled",
    ]
    assert dispute.events.get(kind="offer_declined").data["note"] == "Too much."
    assert Notification.objects.filter(recipient=freelancer, kind="dispute.offer_declined")
    assert Notification.objects.filter(recipient=client, kind="dispute.settled")
    assert ledger_audit() == []


def test_a_full_refund_offer_returns_everything_and_the_milestone_is_refunded():
    dispute = opened("client")
    contract = dispute.contract
    offer = services.dispute_offer_make(
        actor=contract.freelancer, dispute_id=dispute.pk, outcome="refund"
    )
    services.dispute_offer_accept(actor=contract.client, offer_id=offer.pk)
    assert money(contract.client) == (AMOUNT, 0, 0)
    assert money(contract.freelancer) == (0, 0, 0)
    milestone = dispute.milestone
    milestone.refresh_from_db()
    assert (milestone.status, milestone.refunded_amount) == (MilestoneStatus.REFUNDED, AMOUNT)
    contract.refresh_from_db()
    assert contract.status == Status.ACTIVE  # nothing was paid: the contract goes on
    assert ledger_audit() == []


def test_a_new_offer_withdraws_the_same_partys_previous_one():
    dispute = opened("client")
    client = dispute.contract.client
    first = services.dispute_offer_make(actor=client, dispute_id=dispute.pk, outcome="refund")
    second = services.dispute_offer_make(
        actor=client, dispute_id=dispute.pk, outcome="split", freelancer_amount="100"
    )
    assert DisputeOffer.objects.get(pk=first.pk).status == OfferStatus.WITHDRAWN
    assert (second.freelancer_amount, second.client_amount) == (
        Decimal("100.00"),
        Decimal("700.00"),
    )
    with pytest.raises(Conflict) as caught:
        services.dispute_offer_accept(actor=dispute.contract.freelancer, offer_id=first.pk)
    assert caught.value.code == "offer_closed"


def test_offers_are_refused_to_the_wrong_people_and_nothing_changes():
    dispute = opened("client")
    contract = dispute.contract
    offer = services.dispute_offer_make(
        actor=contract.client, dispute_id=dispute.pk, outcome="refund"
    )
    before = (books(), list(DisputeOffer.objects.values_list("status", flat=True)))
    with pytest.raises(PermissionDenied) as caught:
        services.dispute_offer_accept(actor=contract.client, offer_id=offer.pk)
    assert caught.value.code == "own_offer"
    with pytest.raises(NotFound):
        services.dispute_offer_accept(actor=stranger(), offer_id=offer.pk)
    with pytest.raises(NotFound):
        services.dispute_offer_make(actor=mediator(), dispute_id=dispute.pk, outcome="release")
    with pytest.raises(InvalidInput) as caught:
        services.dispute_offer_make(
            actor=contract.freelancer,
            dispute_id=dispute.pk,
            outcome="split",
            freelancer_amount="801",
        )
    assert caught.value.code == "split_out_of_range"
    assert (books(), list(DisputeOffer.objects.values_list("status", flat=True))) == before


def test_the_maker_declining_their_own_offer_withdraws_it():
    dispute = opened("client")
    offer = services.dispute_offer_make(
        actor=dispute.contract.client, dispute_id=dispute.pk, outcome="refund"
    )
    services.dispute_offer_decline(actor=dispute.contract.client, offer_id=offer.pk)
    assert DisputeOffer.objects.get(pk=offer.pk).status == OfferStatus.WITHDRAWN


# --- escalation and the mediator's decision -------------------------------------------------


def test_either_party_may_ask_for_a_mediator_and_the_evidence_time_starts(settings):
    settings.JIEDAN_DISPUTE_EVIDENCE_DAYS = 4
    dispute = opened("client")
    now = timezone.now()
    services.dispute_escalate(actor=dispute.contract.freelancer, dispute_id=dispute.pk, now=now)
    dispute.refresh_from_db()
    assert (dispute.status, dispute.evidence_ends_at) == ("mediation", now + timedelta(days=4))
    assert Notification.objects.filter(recipient=dispute.contract.client, kind="dispute.escalated")
    with pytest.raises(Conflict):
        services.dispute_escalate(actor=dispute.contract.client, dispute_id=dispute.pk)


def test_an_assigned_mediator_gets_a_seat_in_the_conversation_and_a_decision_date(settings):
    settings.JIEDAN_DISPUTE_DECISION_DAYS = 6
    dispute = opened("client")
    services.dispute_escalate(actor=dispute.contract.client, dispute_id=dispute.pk)
    first, second = mediator(), mediator()
    now = timezone.now()
    services.dispute_assign(actor=assigner(), dispute_id=dispute.pk, mediator_id=first.pk, now=now)
    dispute.refresh_from_db()
    assert (dispute.mediator, dispute.assigned_at) == (first, now)
    assert dispute.decision_due_at == now + timedelta(days=6)
    seat = Membership.objects.get(user=first)
    assert seat.role == "mediator"
    assert seat.conversation.subject_id == dispute.contract_id
    assert seat.conversation.memberships.count() == 3
    assert Notification.objects.filter(recipient=first, kind="dispute.assigned_to_you")
    assert Notification.objects.filter(recipient=dispute.contract.client, kind="dispute.assigned")
    # when reassigned, the first mediator leaves the conversation
    services.dispute_assign(actor=assigner(), dispute_id=dispute.pk, mediator_id=second.pk)
    assert not Membership.objects.filter(user=first).exists()
    assert Membership.objects.filter(user=second, role="mediator").exists()


def test_only_assigners_assign_and_only_to_mediators_who_are_not_parties():
    dispute = opened("client")
    services.dispute_escalate(actor=dispute.contract.client, dispute_id=dispute.pk)
    someone = mediator()
    for actor in (stranger(), someone, dispute.contract.client):
        with pytest.raises(NotFound):
            services.dispute_assign(actor=actor, dispute_id=dispute.pk, mediator_id=someone.pk)
    with pytest.raises(InvalidInput) as caught:
        services.dispute_assign(actor=assigner(), dispute_id=dispute.pk, mediator_id=assigner().pk)
    assert caught.value.code == "not_mediator"
    dispute.refresh_from_db()
    assert dispute.mediator is None


def test_a_dispute_in_negotiation_cannot_be_assigned():
    dispute = opened("client")
    with pytest.raises(Conflict) as caught:
        services.dispute_assign(actor=assigner(), dispute_id=dispute.pk, mediator_id=mediator().pk)
    assert caught.value.code == "dispute_state"


def test_the_mediator_decides_a_split_paid_in_one_journal():
    # given a dispute in mediation with its evidence time over
    dispute = in_mediation(opened("client"))
    contract, who = dispute.contract, dispute.mediator
    later = timezone.now() + LATER
    # when the mediator gives the freelancer 600 of the 800
    services.dispute_decide(
        mediator=who,
        dispute_id=dispute.pk,
        freelancer_amount="600",
        reason="The logo was delivered; the brand book was not.",
        now=later,
    )
    # then 600 is paid (net of the commission) and 200 returned, in one journal
    dispute.refresh_from_db()
    split = release_split(Decimal("600.00"), "CNY")
    assert money(contract.client) == (Decimal("200.00"), 0, 0)
    assert money(contract.freelancer) == (0, split.net, 0)
    assert _fees() == split.commission
    assert Journal.objects.filter(kind="escrow.dispute_settled").count() == 1
    assert (dispute.status, dispute.freelancer_amount, dispute.client_amount) == (
        "decided",
        Decimal("600.00"),
        Decimal("200.00"),
    )
    assert dispute.decision_reason.startswith("The logo was delivered")
    assert dispute.closed_at == later
    milestone = dispute.milestone
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.RELEASED
    with translation.override("en"):
        assert milestone.status_changes.latest("pk").reason_display() == (
            "the dispute was decided by a mediator"
        )
    for party in contract.party_ids():
        assert Notification.objects.filter(recipient_id=party, kind="dispute.decided").exists()
    assert _kinds(dispute)[-1] == "decided"
    assert ledger_audit() == []


@pytest.mark.parametrize(("part", "status"), [("800", "released"), ("0", "refunded")])
def test_the_mediator_decides_a_full_release_or_a_full_refund(part, status):
    dispute = in_mediation(opened("freelancer"))
    contract = dispute.contract
    services.dispute_decide(
        mediator=dispute.mediator,
        dispute_id=dispute.pk,
        freelancer_amount=part,
        reason="As the evidence shows.",
        now=timezone.now() + LATER,
    )
    milestone = dispute.milestone
    milestone.refresh_from_db()
    assert milestone.status == status
    if status == "released":
        assert money(contract.freelancer) == (0, release_split(AMOUNT, "CNY").net, 0)
        assert money(contract.client) == (0, 0, 0)
    else:
        assert money(contract.freelancer) == (0, 0, 0)
        assert money(contract.client) == (AMOUNT, 0, 0)
        assert _fees() == 0
    assert ledger_audit() == []


def test_a_decision_is_refused_too_early_without_a_reason_or_by_anyone_else():
    dispute = in_mediation(opened("client"))
    later = timezone.now() + LATER
    before = books()
    with pytest.raises(Conflict) as caught:  # the evidence time is not over
        services.dispute_decide(
            mediator=dispute.mediator, dispute_id=dispute.pk, freelancer_amount="1", reason="x"
        )
    assert caught.value.code == "evidence_open"
    with pytest.raises(InvalidInput) as caught:
        services.dispute_decide(
            mediator=dispute.mediator,
            dispute_id=dispute.pk,
            freelancer_amount="1",
            reason=" ",
            now=later,
        )
    assert caught.value.code == "reason_missing"
    with pytest.raises(PermissionDenied):
        services.dispute_decide(
            mediator=dispute.contract.client,
            dispute_id=dispute.pk,
            freelancer_amount="0",
            reason="mine",
            now=later,
        )
    for outsider in (mediator(), stranger(), assigner()):
        with pytest.raises(NotFound):
            services.dispute_decide(
                mediator=outsider,
                dispute_id=dispute.pk,
                freelancer_amount="0",
                reason="x",
                now=later,
            )
    assert books() == before
    dispute.refresh_from_db()
    assert dispute.status == "mediation"


def test_a_mediator_who_lost_the_role_cannot_decide():
    dispute = in_mediation(opened("client"))
    who = dispute.mediator
    who.groups.clear()
    who = type(who).objects.get(pk=who.pk)
    with pytest.raises(NotFound):
        services.dispute_decide(
            mediator=who,
            dispute_id=dispute.pk,
            freelancer_amount="0",
            reason="x",
            now=timezone.now() + LATER,
        )


def test_an_offer_accepted_during_mediation_still_settles_it():
    dispute = in_mediation(opened("client"))
    offer = services.dispute_offer_make(
        actor=dispute.contract.client, dispute_id=dispute.pk, outcome="release"
    )
    services.dispute_offer_accept(actor=dispute.contract.freelancer, offer_id=offer.pk)
    dispute.refresh_from_db()
    assert dispute.status == "settled"
    assert Notification.objects.filter(recipient=dispute.mediator, kind="dispute.settled")
    with pytest.raises(Conflict):
        services.dispute_decide(
            mediator=dispute.mediator,
            dispute_id=dispute.pk,
            freelancer_amount="0",
            reason="x",
            now=timezone.now() + LATER,
        )
    assert ledger_audit() == []


# --- withdrawing -----------------------------------------------------------------------------


def test_the_opener_withdraws_and_the_submission_gets_a_fresh_auto_approval_time():
    dispute = opened("client")
    milestone, contract = dispute.milestone, dispute.contract
    now = timezone.now() + timedelta(days=1)
    services.dispute_withdraw(actor=contract.client, dispute_id=dispute.pk, now=now)
    milestone.refresh_from_db()
    dispute.refresh_from_db()
    reference = milestone.escrow_reference
    assert (_escrow(reference), _hold(reference)) == (AMOUNT, 0)
    assert (milestone.status, milestone.auto_approve_at) == (
        "submitted",
        now + auto_approve_after(),
    )
    assert (dispute.status, dispute.closed_at) == ("withdrawn", now)
    assert Notification.objects.filter(recipient=contract.freelancer, kind="dispute.withdrawn")
    assert ledger_audit() == []
    # and the milestone goes on as before: approved and paid
    contract_services.milestone_approve(client=contract.client, milestone_id=milestone.pk)
    assert money(contract.freelancer) == (0, release_split(AMOUNT, "CNY").net, 0)
    assert ledger_audit() == []


def test_a_withdrawn_funded_milestone_is_funded_again_and_can_be_disputed_again():
    dispute = opened("freelancer", state="funded")
    contract = dispute.contract
    services.dispute_withdraw(actor=contract.freelancer, dispute_id=dispute.pk)
    milestone = dispute.milestone
    milestone.refresh_from_db()
    assert (milestone.status, milestone.auto_approve_at) == ("funded", None)
    again = services.dispute_open_milestone(
        actor=contract.client, milestone_id=milestone.pk, claim=claim()
    )
    assert again.held_amount == AMOUNT
    assert ledger_audit() == []


def test_only_the_opener_withdraws_and_only_during_negotiation():
    dispute = opened("client")
    before = books()
    with pytest.raises(PermissionDenied) as caught:
        services.dispute_withdraw(actor=dispute.contract.freelancer, dispute_id=dispute.pk)
    assert caught.value.code == "opener_only"
    services.dispute_escalate(actor=dispute.contract.freelancer, dispute_id=dispute.pk)
    with pytest.raises(Conflict) as caught:
        services.dispute_withdraw(actor=dispute.contract.client, dispute_id=dispute.pk)
    assert caught.value.code == "dispute_state"
    assert books() == before


# --- evidence --------------------------------------------------------------------------------


def test_parties_add_files_checked_by_content_and_statements():
    dispute = opened("client")
    client = dispute.contract.client
    evidence = services.dispute_evidence_add(
        actor=client, dispute_id=dispute.pk, upload=_png(), note="The stock photo site."
    )
    assert (evidence.content_type, evidence.size) == ("image/png", evidence.file.size)
    assert len(evidence.sha256) == 64
    assert evidence.file.storage.exists(evidence.file.name)
    with pytest.raises(InvalidInput):
        services.dispute_evidence_add(
            actor=client,
            dispute_id=dispute.pk,
            upload=SimpleUploadedFile("virus.exe", b"MZ\x90\x00binary", "image/png"),
        )
    services.dispute_statement_add(
        actor=dispute.contract.freelancer, dispute_id=dispute.pk, text="It is my own drawing."
    )
    assert DisputeEvidence.objects.count() == 1
    assert _kinds(dispute) == ["opened", "evidence_added", "statement_added"]
    assert Notification.objects.filter(
        recipient=dispute.contract.freelancer, kind="dispute.evidence_added"
    )


def test_after_the_evidence_time_only_the_mediator_adds_evidence():
    dispute = in_mediation(opened("client"))
    later = timezone.now() + LATER
    with pytest.raises(Conflict) as caught:
        services.dispute_statement_add(
            actor=dispute.contract.freelancer, dispute_id=dispute.pk, text="Late.", now=later
        )
    assert caught.value.code == "evidence_closed"
    services.dispute_statement_add(
        actor=dispute.mediator, dispute_id=dispute.pk, text="Noted for the file.", now=later
    )
    with pytest.raises(NotFound):
        services.dispute_statement_add(actor=stranger(), dispute_id=dispute.pk, text="Hi")
    assert DisputeEvent.objects.filter(kind="statement_added").count() == 1


# --- an hourly week --------------------------------------------------------------------------


def test_a_disputed_week_is_held_from_the_wallet_skipped_by_billing_and_decided():
    # given a statement of 300.00 in review and a client wallet of 1000.00
    statement = closed_week()
    contract = statement.contract
    # when the client disputes the week
    dispute = services.dispute_open_week(
        actor=contract.client,
        statement_id=statement.pk,
        claim=claim("split", part="150", reason="hours"),
    )
    # then the week's amount went from the wallet through escrow to the dispute hold
    statement.refresh_from_db()
    reference = statement.escrow_reference
    assert statement.status == StatementStatus.DISPUTED
    assert (_escrow(reference), _hold(reference)) == (0, Decimal("300.00"))
    assert money(contract.client) == (Decimal("700.00"), 0, Decimal("300.00"))
    assert dispute.held_amount == Decimal("300.00")
    keys = set(
        Journal.objects.filter(reference=reference).values_list("idempotency_key", flat=True)
    )
    assert keys == {f"dispute:{dispute.pk}:fund", f"dispute:{dispute.pk}:hold"}
    assert ledger_audit() == []
    # the billing job leaves it alone, however late
    assert statements_close_and_bill(now=NEXT_MONDAY + LATER).billed == 0
    # when a mediator decides 200 for the freelancer
    dispute = in_mediation(dispute)
    services.dispute_decide(
        mediator=dispute.mediator,
        dispute_id=dispute.pk,
        freelancer_amount="200.00",
        reason="Two hours are documented.",
        now=timezone.now() + LATER,
    )
    # then the week is billed and the money split
    statement.refresh_from_db()
    split = release_split(Decimal("200.00"), "CNY")
    assert (statement.status, statement.amount) == (StatementStatus.BILLED, Decimal("300.00"))
    assert money(contract.client) == (Decimal("800.00"), 0, 0)
    assert money(contract.freelancer) == (0, split.net, 0)
    assert ledger_audit() == []
    assert statements_close_and_bill(now=NEXT_MONDAY + LATER * 2).billed == 0


def test_a_week_the_client_cannot_pay_is_refused_with_what_each_side_should_know():
    statement = closed_week(wallet="100.00")
    contract = statement.contract
    before = books()
    with pytest.raises(Conflict) as caught, translation.override("en"):
        services.dispute_open_week(actor=contract.client, statement_id=statement.pk, claim=claim())
    assert caught.value.code == "wallet_insufficient"
    assert "top up ¥200.00 more" in str(caught.value.message)
    with pytest.raises(Conflict) as caught:
        services.dispute_open_week(
            actor=contract.freelancer, statement_id=statement.pk, claim=claim("release")
        )
    assert caught.value.code == "week_unpaid"
    assert books() == before
    assert not Dispute.objects.exists()
    statement.refresh_from_db()
    assert statement.status == StatementStatus.REVIEW


def test_a_withdrawn_week_goes_back_to_review_and_is_billed_normally():
    statement = closed_week()
    contract = statement.contract
    dispute = services.dispute_open_week(
        actor=contract.freelancer, statement_id=statement.pk, claim=claim("release")
    )
    services.dispute_withdraw(actor=contract.freelancer, dispute_id=dispute.pk)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.REVIEW
    assert money(contract.client) == (Decimal("1000.00"), 0, 0)
    assert ledger_audit() == []
    assert statements_close_and_bill(now=NEXT_MONDAY + LATER).billed == 1
    assert money(contract.client) == (Decimal("700.00"), 0, 0)
    assert ledger_audit() == []


def test_a_billed_week_or_a_running_weeks_contract_ended_cannot_be_disputed():
    statement = closed_week()
    contract = statement.contract
    contract_services.statement_approve(client=contract.client, statement_id=statement.pk)
    with pytest.raises(Conflict) as caught:
        services.dispute_open_week(actor=contract.client, statement_id=statement.pk, claim=claim())
    assert caught.value.code == "not_disputable"
    with pytest.raises(NotFound):
        services.dispute_open_week(actor=stranger(), statement_id=statement.pk, claim=claim())


def test_the_audit_finds_a_dispute_hold_that_does_not_match_its_dispute():
    dispute = opened("client")
    Dispute.objects.filter(pk=dispute.pk).update(held_amount=Decimal("700.00"))
    problems = {problem.check for problem in ledger_audit()}
    assert "dispute_hold_mismatch" in problems


def test_the_audit_finds_a_closed_dispute_whose_split_does_not_add_up():
    dispute = in_mediation(opened("client"))
    services.dispute_decide(
        mediator=dispute.mediator,
        dispute_id=dispute.pk,
        freelancer_amount="100",
        reason="x",
        now=timezone.now() + LATER,
    )
    Dispute.objects.filter(pk=dispute.pk).update(held_amount=Decimal("500.00"))
    problems = {problem.check for problem in ledger_audit()}
    assert {"dispute_split_mismatch", "dispute_payout_mismatch"} <= problems


def test_replaying_the_settlement_journal_moves_nothing_twice():
    from jiedan.escrow.services import escrow_dispute_settle

    dispute = in_mediation(opened("client"))
    services.dispute_decide(
        mediator=dispute.mediator,
        dispute_id=dispute.pk,
        freelancer_amount="100",
        reason="x",
        now=timezone.now() + LATER,
    )
    before = books()
    again = escrow_dispute_settle(
        reference=dispute.milestone.escrow_reference,
        payee=dispute.contract.freelancer,
        freelancer_amount="100",
        client_amount="700",
        currency="CNY",
        idempotency_key=f"dispute:{dispute.pk}:settle",
    )
    assert again.kind == "escrow.dispute_settled"
    assert books() == before
