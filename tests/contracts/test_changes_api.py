"""Change requests through the API: propose (201, with what it changes), list, the open one in
the contract's detail, accept by digest, decline, withdraw — strangers get 404, the proposer
accepting gets 403, a stale or second request 409, and a refusal changes nothing."""

import pytest

from jiedan.contracts.models import ChangeRequest, ChangeStatus, MilestoneStatus

from .factories import active_contract, funded_milestone, milestones, proposed_change, stranger
from .test_api import BASE, bearer, post_json
from .test_changes import state

pytestmark = pytest.mark.django_db


def change_payload(contract, *, skip=(), added=(("Extra page", "200.00"),), **overrides) -> dict:
    terms = contract.terms
    kept = [
        {
            "milestone_id": m.pk,
            "title": m.title,
            "amount": str(m.amount),
            "due_date": m.due_date.isoformat() if m.due_date else None,
        }
        for m in milestones(contract)
        if m.position not in skip
    ]
    values = {
        "scope": terms.scope,
        "deliverables": terms.deliverables,
        "revisions": terms.revisions,
        "deadline": terms.deadline.isoformat(),
        "delay_policy": terms.delay_policy,
        "ip_transfer": terms.ip_transfer,
        "milestones": kept + [{"title": t, "amount": a} for t, a in added],
        "reason": "One more page, please.",
    }
    return {**values, **overrides}


def test_a_party_proposes_a_change_and_both_see_it_with_what_it_changes(client):
    contract = active_contract()
    response = post_json(
        client, f"{BASE}/{contract.pk}/changes", change_payload(contract), **bearer(contract.client)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["base_version"], body["terms"]["version"]) == ("proposed", 1, 2)
    diff = body["diff"]
    assert diff["total"] == {"old": "1000.00", "new": "1200.00", "changed": True}
    assert [line["title"] for line in diff["added"]] == ["Extra page"]
    assert (diff["changed"], diff["removed"], diff["hourly_rate"]) == ([], [], None)
    for party in (contract.client, contract.freelancer):
        detail = client.get(f"{BASE}/{contract.pk}", **bearer(party)).json()
        assert detail["open_change"]["id"] == body["id"]
        assert detail["terms"]["version"] == 1
        listed = client.get(f"{BASE}/{contract.pk}/changes", **bearer(party)).json()
        assert [change["id"] for change in listed] == [body["id"]]


def test_the_other_party_accepts_by_digest_and_the_milestone_is_added(client):
    contract = active_contract()
    change = proposed_change(contract)
    path = f"{BASE}/changes/{change.pk}/accept"
    headers = bearer(contract.freelancer)
    # a digest of other terms accepts nothing
    before = state(contract)
    refused = post_json(client, path, {"digest": contract.terms.digest}, **headers)
    assert (refused.status_code, refused.json()["code"]) == (409, "terms_changed")
    assert state(contract) == before
    # the digest read accepts
    response = post_json(client, path, {"digest": change.terms.digest}, **headers)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    detail = client.get(f"{BASE}/{contract.pk}", **headers).json()
    assert (detail["terms"]["version"], detail["open_change"]) == (2, None)
    assert [(m["title"], m["status"]) for m in detail["milestones"]][-1] == (
        "Extra page",
        MilestoneStatus.UNFUNDED,
    )


def test_the_proposer_cannot_accept_and_a_stranger_cannot_see(client):
    contract = active_contract()
    change = proposed_change(contract)
    before = state(contract)
    own = post_json(
        client,
        f"{BASE}/changes/{change.pk}/accept",
        {"digest": change.terms.digest},
        **bearer(contract.client),
    )
    assert (own.status_code, own.json()["code"]) == (403, "own_change")
    outsider = bearer(stranger())
    for path in ("accept", "decline", "withdraw"):
        data = {"digest": change.terms.digest} if path == "accept" else {}
        response = post_json(client, f"{BASE}/changes/{change.pk}/{path}", data, **outsider)
        assert response.status_code == 404
    assert client.get(f"{BASE}/{contract.pk}/changes", **outsider).status_code == 404
    proposed = post_json(
        client, f"{BASE}/{contract.pk}/changes", change_payload(contract), **outsider
    )
    assert proposed.status_code == 404
    assert state(contract) == before


def test_refused_proposals_say_why_and_change_nothing(client):
    contract = active_contract()
    funded_milestone(contract)
    headers = bearer(contract.client)
    path = f"{BASE}/{contract.pk}/changes"
    before = state(contract)
    cases = [
        (change_payload(contract, skip=(1,)), 422, "milestone_plan"),
        (change_payload(contract, added=()), 422, "nothing_changed"),
        (change_payload(contract, kind="hourly", hourly_rate="50", weekly_limit=5), 422, None),
        (change_payload(contract, reason=" "), 422, "reason_missing"),
    ]
    for payload, status, code in cases:
        response = post_json(client, path, payload, **headers)
        assert response.status_code == status, response.content
        if code:
            assert response.json()["code"] == code
    assert state(contract) == before
    post_json(client, path, change_payload(contract), **headers)
    second = post_json(client, path, change_payload(contract), **bearer(contract.freelancer))
    assert (second.status_code, second.json()["code"]) == (409, "change_open")


def test_decline_with_a_reason_and_withdraw(client):
    contract = active_contract()
    change = proposed_change(contract)
    declined = post_json(
        client,
        f"{BASE}/changes/{change.pk}/decline",
        {"reason": "Not this month."},
        **bearer(contract.freelancer),
    )
    assert (declined.status_code, declined.json()["status"]) == (200, "declined")
    again = proposed_change(contract)
    wrong = post_json(client, f"{BASE}/changes/{again.pk}/withdraw", **bearer(contract.freelancer))
    assert (wrong.status_code, wrong.json()["code"]) == (403, "not_own_change")
    withdrawn = post_json(client, f"{BASE}/changes/{again.pk}/withdraw", **bearer(contract.client))
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")
    statuses = ChangeRequest.objects.filter(contract=contract).values_list("status", flat=True)
    assert sorted(statuses) == [ChangeStatus.DECLINED, ChangeStatus.WITHDRAWN]
