"""Contracts API: list and detail, offers and acceptance by digest, the milestone escrow loop
(JSON and multipart submissions), idempotent money POSTs, cancellations, ending and pausing,
delivered files — strangers get 404, the other party 403, and a refusal changes nothing."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from jiedan.contracts import services
from jiedan.contracts.models import (
    Cancellation,
    Contract,
    ContractTerms,
    Delivery,
    MilestoneStatus,
    Status,
    TermsAcceptance,
)
from jiedan.core.models import IdempotentRequest
from jiedan.ledger.models import Purpose
from jiedan.ledger.selectors import account_balance
from tests.factories import UserFactory, bearer
from tests.ledger.helpers import balances, top_up

from .factories import (
    active_contract,
    funded_milestone,
    hired_proposal,
    milestones,
    offered_contract,
    submitted_milestone,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/contracts"


def post_json(client, path, data=None, **headers):
    return client.post(path, data or {}, content_type="application/json", **headers)


def png(name="page.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 200, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def state(contract: Contract):
    return (
        balances(),
        Contract.objects.get(pk=contract.pk).status,
        list(contract.milestones.order_by("pk").values_list("status", "revisions_used")),
        ContractTerms.objects.filter(contract=contract).count(),
        TermsAcceptance.objects.filter(terms__contract=contract).count(),
        Delivery.objects.count(),
        Cancellation.objects.count(),
    )


def offer_payload(proposal_id: int, **overrides) -> dict:
    deadline = timezone.localdate() + timedelta(days=20)
    values = {
        "proposal_id": proposal_id,
        "scope": "Translate the product brochure into English.",
        "deliverables": ["Translated brochure", "Glossary"],
        "revisions": 1,
        "deadline": deadline.isoformat(),
        "delay_policy": "client_may_cancel",
        "ip_transfer": "per_milestone",
        "milestones": [
            {"title": "First half", "amount": "250.00"},
            {"title": "Second half", "amount": "250.00", "due_date": deadline.isoformat()},
        ],
    }
    return {**values, **overrides}


# --- reads -----------------------------------------------------------------------------------


def test_list_shows_own_contracts_filtered_and_paged(client):
    person = UserFactory()
    hiring = offered_contract(client=person)
    working = active_contract(freelancer=person)
    offered_contract()
    auth = bearer(person)
    body = client.get(BASE, **auth).json()
    assert (body["count"], body["pages"]) == (2, 1)
    assert [item["id"] for item in body["results"]] == [working.pk, hiring.pk]
    assert body["results"][1]["total"] == "1000.00"
    assert body["results"][1]["freelancer"]["id"] == hiring.freelancer_id
    body = client.get(BASE, {"status": "active"}, **auth).json()
    assert [item["id"] for item in body["results"]] == [working.pk]
    paged = client.get(BASE, {"page_size": 1}, **auth).json()
    assert (paged["pages"], len(paged["results"])) == (2, 1)
    assert client.get(BASE, {"status": "nonsense"}, **auth).status_code == 422
    assert client.get(BASE).status_code == 401


def test_detail_has_terms_acceptances_milestones_and_deliveries(client):
    milestone = submitted_milestone()
    contract = milestone.contract
    body = client.get(f"{BASE}/{contract.pk}", **bearer(contract.client)).json()
    assert body["status"] == "active"
    assert body["terms"]["digest"] == contract.terms.digest
    assert body["terms"]["milestones"][0] == {
        "title": "Design",
        "amount": "300.00",
        "due_date": None,
    }
    assert {a["party_id"] for a in body["terms"]["acceptances"]} == set(contract.party_ids())
    first = body["milestones"][0]
    assert (first["status"], first["amount"]) == ("submitted", "300.00")
    assert first["auto_approve_at"] is not None
    assert first["deliveries"][0]["message"] == "Design ready: see the attached pages."
    assert body["open_cancellation"] is None
    assert body["waiting_for_you"] is False
    stranger = client.get(f"{BASE}/{contract.pk}", **bearer(UserFactory()))
    assert (stranger.status_code, stranger.json()["code"]) == (404, "contract_not_found")


# --- offers ----------------------------------------------------------------------------------


def test_the_client_offers_and_the_freelancer_accepts_by_digest(client):
    # given a hired proposal
    proposal = hired_proposal()
    client_auth = bearer(proposal.project.client)
    # when the client offers a contract on it
    response = post_json(client, BASE, offer_payload(proposal.pk), **client_auth)
    # then it waits for the freelancer, with the client's acceptance recorded
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["terms"]["total"]) == ("offered", "500.00")
    assert body["terms"]["delay_policy"] == "client_may_cancel"
    assert [a["party_id"] for a in body["terms"]["acceptances"]] == [proposal.project.client_id]
    contract_id = body["id"]
    freelancer_auth = bearer(proposal.freelancer)
    detail = client.get(f"{BASE}/{contract_id}", **freelancer_auth).json()
    assert detail["waiting_for_you"] is True
    # when the freelancer accepts with a wrong digest, then nothing is accepted
    wrong = post_json(
        client, f"{BASE}/{contract_id}/accept", {"digest": "0" * 64}, **freelancer_auth
    )
    assert (wrong.status_code, wrong.json()["code"]) == (409, "terms_changed")
    # when they accept the digest they read
    response = post_json(
        client,
        f"{BASE}/{contract_id}/accept",
        {"digest": body["terms"]["digest"]},
        **freelancer_auth,
    )
    # then the contract is active with its two milestones
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active"
    assert [m["status"] for m in body["milestones"]] == ["unfunded", "unfunded"]


def test_offering_is_for_the_hiring_client_only_and_bad_terms_are_422(client):
    proposal = hired_proposal()
    for person in (proposal.freelancer, UserFactory()):
        response = post_json(client, BASE, offer_payload(proposal.pk), **bearer(person))
        assert (response.status_code, response.json()["code"]) == (404, "proposal_not_found")
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    auth = bearer(proposal.project.client)
    response = post_json(client, BASE, offer_payload(proposal.pk, deadline=past), **auth)
    assert (response.status_code, response.json()["code"]) == (422, "deadline")
    response = post_json(client, BASE, offer_payload(proposal.pk, milestones=[]), **auth)
    assert (response.status_code, response.json()["code"]) == (422, "milestones_missing")
    assert not Contract.objects.exists()


def test_a_revision_makes_the_old_digest_useless(client):
    contract = offered_contract()
    old = contract.terms.digest
    payload = offer_payload(0)
    del payload["proposal_id"]
    response = post_json(client, f"{BASE}/{contract.pk}/terms", payload, **bearer(contract.client))
    assert response.json()["terms"]["version"] == 2
    before = state(contract)
    response = post_json(
        client, f"{BASE}/{contract.pk}/accept", {"digest": old}, **bearer(contract.freelancer)
    )
    assert response.status_code == 409
    assert state(contract) == before
    # the freelancer cannot revise
    response = post_json(
        client, f"{BASE}/{contract.pk}/terms", payload, **bearer(contract.freelancer)
    )
    assert (response.status_code, response.json()["code"]) == (403, "client_only")


def test_decline_and_withdraw_by_role(client):
    declined = offered_contract()
    response = post_json(
        client, f"{BASE}/{declined.pk}/decline", {"reason": "Busy"}, **bearer(declined.freelancer)
    )
    assert response.json()["status"] == "declined"
    withdrawn = offered_contract()
    before = state(withdrawn)
    response = post_json(client, f"{BASE}/{withdrawn.pk}/withdraw", **bearer(withdrawn.freelancer))
    assert (response.status_code, response.json()["code"]) == (403, "client_only")
    assert state(withdrawn) == before
    response = post_json(client, f"{BASE}/{withdrawn.pk}/withdraw", **bearer(withdrawn.client))
    assert response.json()["status"] == "cancelled"


# --- funding and idempotency -----------------------------------------------------------------


def test_funding_needs_an_idempotency_key_and_a_replay_moves_nothing(client):
    # given an active contract and a client with enough money
    contract = active_contract()
    first = milestones(contract)[0]
    top_up(contract.client, "1000.00")
    auth = bearer(contract.client)
    path = f"{BASE}/milestones/{first.pk}/fund"
    # without a key nothing happens
    response = post_json(client, path, **auth)
    assert (response.status_code, response.json()["code"]) == (422, "idempotency_key_required")
    assert Contract.objects.get(pk=contract.pk).milestones.get(pk=first.pk).status == "unfunded"
    # when they fund with a key
    response = post_json(client, path, HTTP_IDEMPOTENCY_KEY="fund-1", **auth)
    assert response.status_code == 200
    assert response.json()["status"] == "funded"
    after_first = balances()
    # and repeat the same request with the same key
    replay = post_json(client, path, HTTP_IDEMPOTENCY_KEY="fund-1", **auth)
    # then they get the first answer again, and no money moved twice
    assert replay.status_code == 200
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == response.json()
    assert balances() == after_first
    assert account_balance(
        purpose=Purpose.WALLET, currency="CNY", owner=contract.client
    ) == Decimal("700.00")
    # a new key for the same milestone is refused by its state, and nothing moves
    again = post_json(client, path, HTTP_IDEMPOTENCY_KEY="fund-2", **auth)
    assert (again.status_code, again.json()["code"]) == (409, "milestone_state")
    assert balances() == after_first
    assert IdempotentRequest.objects.count() == 2


def test_a_short_wallet_is_409_with_how_much_to_top_up(client):
    contract = active_contract()
    top_up(contract.client, "100.00")
    before = state(contract)
    response = post_json(
        client,
        f"{BASE}/milestones/{milestones(contract)[0].pk}/fund",
        HTTP_IDEMPOTENCY_KEY="short-1",
        **bearer(contract.client),
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "wallet_insufficient"
    assert "¥200.00" in body["message"]
    assert state(contract) == before


def test_the_freelancer_cannot_fund_and_a_stranger_gets_404(client):
    contract = active_contract()
    first = milestones(contract)[0]
    top_up(contract.freelancer, "1000.00")
    stranger = UserFactory()
    top_up(stranger, "1000.00")
    before = state(contract)
    path = f"{BASE}/milestones/{first.pk}/fund"
    denied = post_json(client, path, HTTP_IDEMPOTENCY_KEY="f", **bearer(contract.freelancer))
    assert (denied.status_code, denied.json()["code"]) == (403, "client_only")
    hidden = post_json(client, path, HTTP_IDEMPOTENCY_KEY="s", **bearer(stranger))
    assert (hidden.status_code, hidden.json()["code"]) == (404, "contract_not_found")
    assert state(contract) == before


# --- submitting, changes, approval -----------------------------------------------------------


def test_submit_json_then_multipart_with_files_after_changes(client):
    # given a funded milestone
    milestone = funded_milestone()
    contract = milestone.contract
    auth = bearer(contract.freelancer)
    path = f"{BASE}/milestones/{milestone.pk}/submit"
    # a body that is neither is 422
    bad = client.post(path, "oops", content_type="application/json", **auth)
    assert (bad.status_code, bad.json()["code"]) == (422, "bad_delivery_body")
    # when the freelancer submits a JSON message
    response = post_json(client, path, {"message": "First draft"}, **auth)
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    # and the client asks for changes
    response = post_json(
        client,
        f"{BASE}/milestones/{milestone.pk}/request-changes",
        {"note": "Larger headings"},
        **bearer(contract.client),
    )
    assert (response.json()["status"], response.json()["revisions_used"]) == ("changes", 1)
    # and the freelancer resubmits with files, multipart
    response = client.post(
        path, {"message": "Second draft", "files": [png("a.png"), png("b.png")]}, **auth
    )
    # then both versions are listed, newest first, the files with their fingerprints
    body = response.json()
    assert body["status"] == "submitted"
    assert [d["number"] for d in body["deliveries"]] == [2, 1]
    files = body["deliveries"][0]["files"]
    assert [f["name"] for f in files] == ["a.png", "b.png"]
    assert len(files[0]["sha256"]) == 64
    # and both parties download a file through the API, a stranger cannot
    for person in (contract.client, contract.freelancer):
        download = client.get(files[0]["url"], **bearer(person))
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["X-Content-Type-Options"] == "nosniff"
    assert client.get(files[0]["url"], **bearer(UserFactory())).status_code == 404


def test_the_client_cannot_submit_work(client):
    milestone = funded_milestone()
    before = state(milestone.contract)
    response = post_json(
        client,
        f"{BASE}/milestones/{milestone.pk}/submit",
        {"message": "Me"},
        **bearer(milestone.contract.client),
    )
    assert (response.status_code, response.json()["code"]) == (403, "freelancer_only")
    assert state(milestone.contract) == before


def test_approving_twice_is_409_and_balances_do_not_change(client):
    # given a submitted milestone of 300
    milestone = submitted_milestone()
    contract = milestone.contract
    auth = bearer(contract.client)
    path = f"{BASE}/milestones/{milestone.pk}/approve"
    # when the client approves
    response = post_json(client, path, HTTP_IDEMPOTENCY_KEY="approve-1", **auth)
    # then the freelancer has 270 pending (300 less the 10% commission)
    assert response.status_code == 200
    assert response.json()["status"] == "released"
    assert account_balance(
        purpose=Purpose.PENDING, currency="CNY", owner=contract.freelancer
    ) == Decimal("270.00")
    before = state(contract)
    # when they approve again with a new key
    again = post_json(client, path, HTTP_IDEMPOTENCY_KEY="approve-2", **auth)
    # then it is 409 and nothing moved
    assert (again.status_code, again.json()["code"]) == (409, "milestone_state")
    assert state(contract) == before
    # and the freelancer cannot approve
    other = submitted_milestone(contract, position=2)
    before = state(contract)
    denied = post_json(
        client,
        f"{BASE}/milestones/{other.pk}/approve",
        HTTP_IDEMPOTENCY_KEY="approve-3",
        **bearer(contract.freelancer),
    )
    assert (denied.status_code, denied.json()["code"]) == (403, "client_only")
    assert state(contract) == before


# --- ending and pausing ----------------------------------------------------------------------


def test_a_cancellation_proposed_and_accepted_splits_the_escrow(client):
    milestone = funded_milestone()
    contract = milestone.contract
    response = post_json(
        client,
        f"{BASE}/{contract.pk}/cancellations",
        {"freelancer_share": "50.00", "reason": "Plans changed"},
        **bearer(contract.client),
    )
    assert response.status_code == 201
    cancellation = response.json()
    assert (cancellation["held_total"], cancellation["status"]) == ("300.00", "proposed")
    detail = client.get(f"{BASE}/{contract.pk}", **bearer(contract.freelancer)).json()
    assert detail["open_cancellation"]["id"] == cancellation["id"]
    path = f"{BASE}/cancellations/{cancellation['id']}/accept"
    # the proposer cannot accept their own proposal
    own = post_json(client, path, HTTP_IDEMPOTENCY_KEY="c-0", **bearer(contract.client))
    assert (own.status_code, own.json()["code"]) == (403, "own_proposal")
    response = post_json(client, path, HTTP_IDEMPOTENCY_KEY="c-1", **bearer(contract.freelancer))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "completed"
    assert body["milestones"][0]["released_amount"] == "50.00"
    assert body["milestones"][0]["refunded_amount"] == "250.00"
    assert account_balance(
        purpose=Purpose.WALLET, currency="CNY", owner=contract.client
    ) == Decimal("250.00")


def test_a_declined_cancellation_moves_nothing(client):
    milestone = funded_milestone()
    contract = milestone.contract
    cancellation = services.cancellation_propose(
        actor=contract.freelancer, contract_id=contract.pk, freelancer_share="300", reason="Done"
    )
    before = balances()
    response = post_json(
        client, f"{BASE}/cancellations/{cancellation.pk}/decline", **bearer(contract.client)
    )
    assert response.json()["status"] == "declined"
    assert balances() == before
    stranger = post_json(
        client, f"{BASE}/cancellations/{cancellation.pk}/decline", **bearer(UserFactory())
    )
    assert stranger.status_code == 404


def test_end_pause_and_resume(client):
    contract = active_contract()
    client_auth = bearer(contract.client)
    response = post_json(client, f"{BASE}/{contract.pk}/pause", **client_auth)
    assert response.json()["status"] == "paused"
    denied = post_json(client, f"{BASE}/{contract.pk}/resume", **bearer(contract.freelancer))
    assert (denied.status_code, denied.json()["code"]) == (403, "client_only")
    response = post_json(client, f"{BASE}/{contract.pk}/resume", **client_auth)
    assert response.json()["status"] == "active"
    missing = post_json(client, f"{BASE}/{contract.pk}/end", {"reason": ""}, **client_auth)
    assert (missing.status_code, missing.json()["code"]) == (422, "reason_missing")
    response = post_json(
        client, f"{BASE}/{contract.pk}/end", {"reason": "No longer needed"}, **client_auth
    )
    body = response.json()
    assert body["status"] == "cancelled"
    assert {m["status"] for m in body["milestones"]} == {MilestoneStatus.CANCELLED}


def test_a_stranger_gets_404_on_every_write_and_nothing_changes(client):
    milestone = submitted_milestone()
    contract = milestone.contract
    second = milestones(contract)[1]
    offer = offered_contract()
    cancellation = services.cancellation_propose(
        actor=contract.client, contract_id=contract.pk, freelancer_share="0", reason="Stop"
    )
    stranger = UserFactory()
    top_up(stranger, "5000.00")
    auth = {**bearer(stranger), "HTTP_IDEMPOTENCY_KEY": "stranger"}
    before, offer_before = state(contract), state(offer)
    writes = [
        (f"{BASE}/{offer.pk}/accept", {"digest": offer.terms.digest}),
        (f"{BASE}/{offer.pk}/decline", {}),
        (f"{BASE}/{offer.pk}/withdraw", {}),
        (f"{BASE}/{contract.pk}/pause", {}),
        (f"{BASE}/{contract.pk}/resume", {}),
        (f"{BASE}/{contract.pk}/end", {"reason": "x"}),
        (f"{BASE}/{contract.pk}/cancellations", {"freelancer_share": "0", "reason": "x"}),
        (f"{BASE}/cancellations/{cancellation.pk}/decline", {}),
        (f"{BASE}/milestones/{milestone.pk}/submit", {"message": "x"}),
        (f"{BASE}/milestones/{milestone.pk}/request-changes", {"note": "x"}),
    ]
    for path, data in writes:
        response = post_json(client, path, data, **auth)
        assert response.status_code == 404, path
    for index, path in enumerate(
        [
            f"{BASE}/milestones/{second.pk}/fund",
            f"{BASE}/milestones/{milestone.pk}/approve",
            f"{BASE}/cancellations/{cancellation.pk}/accept",
        ]
    ):
        response = post_json(client, path, **{**auth, "HTTP_IDEMPOTENCY_KEY": f"s-{index}"})
        assert response.status_code == 404, path
    assert (state(contract), state(offer)) == (before, offer_before)
    assert Contract.objects.get(pk=contract.pk).status == Status.ACTIVE
