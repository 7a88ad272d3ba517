"""Disputes API: opening (idempotent), the detail each viewer gets, offers, escalation,
evidence (multipart and statements) and its download, the mediator's case file and decision,
the assigners' queue — errors as {code, message}, 404 for outsiders with nothing changed."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from jiedan.disputes import services
from jiedan.disputes.models import Dispute, DisputeOffer
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.fees import release_split
from tests.contracts.factories import stranger
from tests.factories import bearer

from .factories import (
    AMOUNT,
    assigner,
    books,
    closed_week,
    in_mediation,
    mediator,
    milestone_in_escrow,
    money,
    opened,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/disputes"


def post_json(client, path, data=None, **headers):
    return client.post(path, data or {}, content_type="application/json", **headers)


def _open_body(milestone_id=None, statement_id=None, **extra):
    body = {
        "reason": "quality",
        "details": "The logo is a stock image.",
        "desired_outcome": "refund",
        **extra,
    }
    if milestone_id:
        body["milestone_id"] = milestone_id
    if statement_id:
        body["statement_id"] = statement_id
    return body


def test_opening_needs_an_idempotency_key_and_a_repeat_opens_once(client):
    milestone = milestone_in_escrow()
    auth = bearer(milestone.contract.client)
    body = _open_body(milestone.pk)
    missing = post_json(client, BASE, body, **auth)
    assert (missing.status_code, missing.json()["code"]) == (422, "idempotency_key_required")
    first = post_json(client, BASE, body, HTTP_IDEMPOTENCY_KEY="open-1", **auth)
    assert first.status_code == 201
    data = first.json()
    assert (data["role"], data["status"], data["held_amount"]) == (
        "client",
        "negotiation",
        "800.00",
    )
    assert data["case"] is None
    again = post_json(client, BASE, body, HTTP_IDEMPOTENCY_KEY="open-1", **auth)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Dispute.objects.count() == 1
    # a new key finds the milestone already in dispute
    other = post_json(client, BASE, body, HTTP_IDEMPOTENCY_KEY="open-2", **auth)
    assert (other.status_code, other.json()["code"]) == (409, "not_disputable")
    assert ledger_audit() == []


def test_opening_refusals_have_codes_and_move_nothing(client):
    milestone = milestone_in_escrow()
    auth = bearer(milestone.contract.client)
    before = books()
    cases = [
        (_open_body(), 422, "subject_missing"),
        (_open_body(milestone.pk, desired_outcome="split"), 422, "split_amount_missing"),
        (_open_body(milestone.pk, reason="bored"), 422, "validation_error"),
    ]
    for index, (body, status, code) in enumerate(cases):
        response = post_json(client, BASE, body, HTTP_IDEMPOTENCY_KEY=f"k{index}", **auth)
        assert (response.status_code, response.json()["code"]) == (status, code)
    outsider = post_json(
        client, BASE, _open_body(milestone.pk), HTTP_IDEMPOTENCY_KEY="s", **bearer(stranger())
    )
    assert (outsider.status_code, outsider.json()["code"]) == (404, "contract_not_found")
    assert books() == before
    assert not Dispute.objects.exists()


def test_a_week_is_opened_through_the_api(client):
    statement = closed_week()
    response = post_json(
        client,
        BASE,
        _open_body(statement_id=statement.pk),
        HTTP_IDEMPOTENCY_KEY="week",
        **bearer(statement.contract.client),
    )
    assert response.status_code == 201
    assert response.json()["statement_id"] == statement.pk
    assert ledger_audit() == []


def test_offers_declined_then_accepted_through_the_api(client):
    dispute = opened("client")
    contract = dispute.contract
    client_auth, freelancer_auth = bearer(contract.client), bearer(contract.freelancer)
    made = post_json(
        client,
        f"{BASE}/{dispute.pk}/offers",
        {"outcome": "split", "freelancer_amount": "500"},
        **freelancer_auth,
    )
    assert made.status_code == 201
    offer = made.json()
    assert (offer["freelancer_amount"], offer["client_amount"]) == ("500.00", "300.00")
    declined = post_json(
        client, f"{BASE}/offers/{offer['id']}/decline", {"note": "No."}, **client_auth
    )
    assert declined.json()["status"] == "declined"
    second = post_json(
        client, f"{BASE}/{dispute.pk}/offers", {"outcome": "release"}, **client_auth
    ).json()
    own = post_json(
        client, f"{BASE}/offers/{second['id']}/accept", HTTP_IDEMPOTENCY_KEY="a0", **client_auth
    )
    assert (own.status_code, own.json()["code"]) == (403, "own_offer")
    accepted = post_json(
        client,
        f"{BASE}/offers/{second['id']}/accept",
        HTTP_IDEMPOTENCY_KEY="a1",
        **freelancer_auth,
    )
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "settled"
    assert money(contract.freelancer) == (0, release_split(AMOUNT, "CNY").net, 0)
    kinds = [event["kind"] for event in accepted.json()["history"]]
    assert kinds[-2:] == ["offer_accepted", "settled"]
    assert ledger_audit() == []


def test_evidence_as_a_file_and_as_a_statement_and_its_download(client):
    dispute = opened("client")
    auth = bearer(dispute.contract.client)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    upload = SimpleUploadedFile("proof.png", buffer.getvalue(), content_type="image/png")
    response = client.post(
        f"{BASE}/{dispute.pk}/evidence", {"file": upload, "note": "Stock site"}, **auth
    )
    assert response.status_code == 201
    item = response.json()["evidence"][0]
    assert (item["name"], len(item["sha256"])) == ("proof.png", 64)
    download = client.get(item["url"], **bearer(dispute.contract.freelancer))
    assert download.status_code == 200
    assert client.get(item["url"], **bearer(stranger())).status_code == 404
    statement = post_json(
        client, f"{BASE}/{dispute.pk}/evidence", {"statement": "I never got it."}, **auth
    )
    assert statement.status_code == 201
    assert statement.json()["history"][-1]["data"]["text"] == "I never got it."
    bad = client.post(
        f"{BASE}/{dispute.pk}/evidence",
        {"file": SimpleUploadedFile("x.exe", b"MZ-binary", "application/octet-stream")},
        **auth,
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "file_type")


def test_the_mediator_gets_the_case_file_and_decides_through_the_api(client):
    dispute = in_mediation(opened("client"))
    auth = bearer(dispute.mediator)
    detail = client.get(f"{BASE}/{dispute.pk}", **auth).json()
    assert detail["role"] == "mediator"
    assert detail["case"]["terms_digest"] == dispute.contract.terms.digest
    assert len(detail["case"]["acceptances"]) == 2
    assert len(detail["case"]["deliveries"]) == 1
    early = post_json(
        client,
        f"{BASE}/{dispute.pk}/decide",
        {"freelancer_amount": "100", "reason": "x"},
        HTTP_IDEMPOTENCY_KEY="d0",
        **auth,
    )
    assert (early.status_code, early.json()["code"]) == (409, "evidence_open")
    Dispute.objects.filter(pk=dispute.pk).update(
        evidence_ends_at=timezone.now() - timedelta(minutes=1)
    )
    party = post_json(
        client,
        f"{BASE}/{dispute.pk}/decide",
        {"freelancer_amount": "100", "reason": "x"},
        HTTP_IDEMPOTENCY_KEY="d1",
        **bearer(dispute.contract.client),
    )
    assert (party.status_code, party.json()["code"]) == (403, "mediator_only")
    decided = post_json(
        client,
        f"{BASE}/{dispute.pk}/decide",
        {"freelancer_amount": "100", "reason": "Only a sketch was delivered."},
        HTTP_IDEMPOTENCY_KEY="d2",
        **auth,
    )
    assert decided.status_code == 200
    assert (decided.json()["freelancer_amount"], decided.json()["client_amount"]) == (
        "100.00",
        "700.00",
    )
    assert money(dispute.contract.client) == (Decimal("700.00"), 0, 0)
    assert ledger_audit() == []


def test_escalate_withdraw_and_the_list(client):
    first = opened("client")
    second = opened("freelancer")
    auth = bearer(first.contract.client)
    listed = client.get(BASE, **auth).json()
    assert [row["id"] for row in listed] == [first.pk]
    escalated = post_json(client, f"{BASE}/{first.pk}/escalate", **auth)
    assert escalated.json()["status"] == "mediation"
    refused = post_json(client, f"{BASE}/{first.pk}/withdraw", HTTP_IDEMPOTENCY_KEY="w0", **auth)
    assert (refused.status_code, refused.json()["code"]) == (409, "dispute_state")
    withdrawn = post_json(
        client,
        f"{BASE}/{second.pk}/withdraw",
        HTTP_IDEMPOTENCY_KEY="w1",
        **bearer(second.contract.freelancer),
    )
    assert withdrawn.json()["status"] == "withdrawn"
    assert ledger_audit() == []


def test_the_queue_and_assignment_are_for_assigners_only(client):
    dispute = opened("client")
    services.dispute_escalate(actor=dispute.contract.client, dispute_id=dispute.pk)
    chosen = mediator()
    admin_auth = bearer(assigner())
    queue = client.get(f"{BASE}/queue", **admin_auth).json()
    assert queue == [
        {
            "id": dispute.pk,
            "status": "mediation",
            "amount": "800.00",
            "currency": "CNY",
            "created_at": queue[0]["created_at"],
            "mediator": None,
            "assigned_at": None,
            "decision_due_at": None,
        }
    ]
    for outsider in (chosen, dispute.contract.client, stranger()):
        auth = bearer(outsider)
        assert client.get(f"{BASE}/queue", **auth).status_code == 404
        refused = post_json(
            client, f"{BASE}/{dispute.pk}/assign", {"mediator_id": chosen.pk}, **auth
        )
        assert refused.status_code == 404
    assigned = post_json(
        client, f"{BASE}/{dispute.pk}/assign", {"mediator_id": chosen.pk}, **admin_auth
    )
    assert assigned.json()["mediator"]["id"] == chosen.pk
    assert client.get(f"{BASE}/{dispute.pk}", **admin_auth).status_code == 404
    assert [row["role"] for row in client.get(BASE, **bearer(chosen)).json()] == ["mediator"]


def test_outsiders_get_404_on_every_dispute_endpoint_and_nothing_changes(client):
    dispute = opened("client")
    offer = services.dispute_offer_make(
        actor=dispute.contract.client, dispute_id=dispute.pk, outcome="refund"
    )
    before = (books(), list(DisputeOffer.objects.values_list("status", flat=True)))
    for outsider in (stranger(), mediator(), assigner()):
        auth = bearer(outsider)
        calls = [
            client.get(f"{BASE}/{dispute.pk}", **auth),
            post_json(client, f"{BASE}/{dispute.pk}/offers", {"outcome": "release"}, **auth),
            post_json(client, f"{BASE}/offers/{offer.pk}/accept", HTTP_IDEMPOTENCY_KEY="x", **auth),
            post_json(client, f"{BASE}/offers/{offer.pk}/decline", **auth),
            post_json(client, f"{BASE}/{dispute.pk}/escalate", **auth),
            post_json(client, f"{BASE}/{dispute.pk}/withdraw", HTTP_IDEMPOTENCY_KEY="y", **auth),
        ]
        assert [(r.status_code, r.json()["code"]) for r in calls] == [
            (404, "dispute_not_found")
        ] * len(calls)
    assert (books(), list(DisputeOffer.objects.values_list("status", flat=True))) == before
    assert client.get(BASE, **bearer(stranger())).json() == []
