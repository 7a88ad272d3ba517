"""Assistants API: price ranges (or why there is none), briefs from a need, and the risks of
a contract for its parties only."""

import pytest

from tests.contracts.factories import offered_contract
from tests.factories import UserFactory, bearer

from .factories import embedded, logo_deals

pytestmark = pytest.mark.django_db

BASE = "/api/v1/assist"
LOGO = {"text": "Logo design for a coffee shop", "currency": "CNY"}


def test_pricing_gives_the_quartiles_and_the_count(client, django_capture_on_commit_callbacks):
    logo_deals(["1000", "1200", "1500", "2000", "3000"], days=[5, 10, 10, 20, 30])
    embedded(django_capture_on_commit_callbacks)
    client.force_login(UserFactory())
    response = client.get(f"{BASE}/pricing", {**LOGO, "category": "design"})
    assert response.status_code == 200
    assert response.json() == {
        "enough": True,
        "min_comparables": 5,
        "count": 5,
        "currency": "CNY",
        "low": "1200.00",
        "median": "1500.00",
        "high": "2000.00",
        "days": {"p10": 7, "p25": 10, "median": 10, "p75": 20},
    }


def test_pricing_says_when_there_are_too_few(client):
    logo_deals(["1000", "1200"])
    response = client.get(f"{BASE}/pricing", LOGO, **bearer(UserFactory()))
    assert response.status_code == 200
    body = response.json()
    assert (body["enough"], body["count"], body["median"], body["days"]) == (False, 0, None, None)


def test_pricing_refuses_bad_input(client):
    client.force_login(UserFactory())
    unknown = client.get(f"{BASE}/pricing", {**LOGO, "category": "no-such-category"})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_category")
    currency = client.get(f"{BASE}/pricing", {**LOGO, "currency": "XYZ"})
    assert (currency.status_code, currency.json()["code"]) == (422, "validation_error")
    empty = client.get(f"{BASE}/pricing", {"text": ""})
    assert empty.status_code == 422


def test_the_assistants_need_a_signed_in_caller(client):
    assert client.get(f"{BASE}/pricing", LOGO).status_code == 401
    response = client.post(f"{BASE}/brief", {"text": "logo"}, content_type="application/json")
    assert response.status_code == 401


def test_brief_from_a_chinese_need(client):
    client.force_login(UserFactory())
    response = client.post(
        f"{BASE}/brief",
        {"text": "需要做个企业网站，有产品展示和在线留言", "budget": "10000"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "企业网站"
    assert body["category"] == {"slug": "development", "name": "软件开发"}
    assert body["skills"] == [{"slug": "website-development", "name": "网站开发"}]
    assert "响应式网站，适配手机" in body["deliverables"]
    assert [m["amount"] for m in body["milestones"]] == ["2000.00", "5000.00", "3000.00"]
    assert body["budget"] == "10000.00"
    assert body["pricing"]["enough"] is False
    assert body["timeline"] == {
        "days_low": 14,
        "days_typical": 30,
        "days_high": 60,
        "source": "category",
        "expected_duration": "1_3m",
    }


def test_contract_risks_for_its_parties_only(client):
    contract = offered_contract(deliverables=[])
    for party in (contract.client, contract.freelancer):
        response = client.get(f"{BASE}/contracts/{contract.pk}/risks", **bearer(party))
        assert response.status_code == 200
        body = response.json()
        assert (body["contract_id"], body["terms_version"]) == (contract.pk, 1)
        assert [w["code"] for w in body["warnings"]] == ["no_deliverables"]
        assert body["warnings"][0]["message"]
    stranger = client.get(f"{BASE}/contracts/{contract.pk}/risks", **bearer(UserFactory()))
    assert (stranger.status_code, stranger.json()["code"]) == (404, "contract_not_found")
    assert client.get(f"{BASE}/contracts/{contract.pk}/risks").status_code == 401
