"""Profiles API: public reads honour visibility; the owner reads and writes their own."""

import json

import pytest
from django.test import Client

from jiedan.accounts import services as account_services
from jiedan.profiles import services
from tests.profiles.helpers import details

pytestmark = pytest.mark.django_db
API = "/api/v1/profiles"


def _bearer(user, scopes=("read", "write")) -> dict:
    issued = account_services.access_token_create(user=user, name="t", scopes=list(scopes))
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}


def test_public_profile_has_no_contacts(user, skills, django_assert_max_num_queries):
    # given
    services.freelancer_profile_update(user=user, details=details())
    services.freelancer_contacts_update(
        user=user, contacts=services.ContactDetails(phone="13800138000")
    )
    services.freelancer_skills_set(user=user, skill_ids=[skills[1].pk, skills[0].pk])
    # when
    with django_assert_max_num_queries(8):
        response = Client().get(f"{API}/freelancers/{user.pk}")
    # then
    body = response.json()
    assert response.status_code == 200
    assert [s["id"] for s in body["skills"]] == [skills[1].pk, skills[0].pk]
    assert "contacts" not in body and "13800138000" not in response.content.decode()
    assert body["hourly_rate"] == "200.00"


def test_hidden_profile_is_404_to_others_and_visible_with_the_owners_token(user, other_user):
    services.freelancer_profile_update(user=user, details=details(visibility="hidden"))
    stranger = Client().get(f"{API}/freelancers/{user.pk}", **_bearer(other_user))
    assert stranger.status_code == 404
    assert stranger.json()["code"] == "profile_not_found"
    assert Client().get(f"{API}/freelancers/{user.pk}", **_bearer(user)).status_code == 200


def test_signed_in_only_profile_needs_a_member(user, other_user):
    services.freelancer_profile_update(user=user, details=details(visibility="signed_in"))
    assert Client().get(f"{API}/freelancers/{user.pk}").status_code == 404
    assert Client().get(f"{API}/freelancers/{user.pk}", **_bearer(other_user)).status_code == 200


def test_owner_reads_contacts_and_completeness(user):
    services.freelancer_contacts_update(user=user, contacts=services.ContactDetails(qq="12345"))
    body = Client().get(f"{API}/me", **_bearer(user)).json()
    assert body["contacts"]["qq"] == "12345"
    assert body["completeness"] == 0
    assert body["next_steps"]


def test_owner_updates_details_and_errors_keep_the_shape(user):
    client = Client()
    payload = {"headline": "Go developer", "hourly_rate": "300.00", "languages": ["en"]}
    ok = client.put(
        f"{API}/me", json.dumps(payload), content_type="application/json", **_bearer(user)
    )
    assert ok.status_code == 200 and ok.json()["headline"] == "Go developer"
    bad = client.put(
        f"{API}/me",
        json.dumps({**payload, "headline": "X", "service_mode": "local"}),
        content_type="application/json",
        **_bearer(user),
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "local_needs_area"
    assert client.get(f"{API}/me", **_bearer(user)).json()["headline"] == "Go developer"


def test_read_only_token_cannot_write(user):
    response = Client().put(
        f"{API}/me",
        json.dumps({"headline": "x"}),
        content_type="application/json",
        **_bearer(user, scopes=("read",)),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_skills_endpoint_sets_order(user, skills):
    ids = [skills[2].pk, skills[0].pk]
    body = (
        Client()
        .put(
            f"{API}/me/skills",
            json.dumps({"skill_ids": ids}),
            content_type="application/json",
            **_bearer(user),
        )
        .json()
    )
    assert [s["id"] for s in body["skills"]] == ids


def test_client_profile_read(user):
    services.client_profile_update(user=user, company_name="Acme", about="", city="", website="")
    body = Client().get(f"{API}/clients/{user.pk}").json()
    assert body["name"] == "Acme"
    assert Client().get(f"{API}/clients/999999").status_code == 404


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hourly_rate", "0"),
        ("hourly_rate", "120.505"),
        ("hourly_rate", 99.5),
        ("languages", ["xx"]),
        ("availability", "weekends"),
        ("visibility", "friends"),
    ],
)
def test_details_outside_the_documented_rules_are_refused_and_change_nothing(user, field, value):
    # given a profile with a headline
    services.freelancer_profile_update(user=user, details=details())
    # when the owner sends a value the OpenAPI document rules out
    response = Client().put(
        f"{API}/me",
        json.dumps({"headline": "Changed", field: value}),
        content_type="application/json",
        **_bearer(user),
    )
    # then it is a validation error on that field, and the profile is unchanged
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"][2] == field
    body = Client().get(f"{API}/me", **_bearer(user)).json()
    assert body["headline"] == "Brand designer for tea shops"


@pytest.mark.parametrize(
    ("rating", "status"), [("4.5", 200), ("5", 200), ("5.5", 422), ("-1", 422), ("4,5", 422)]
)
def test_the_rating_filter_takes_0_to_5_as_the_document_says(client, rating, status):
    assert client.get(f"{API}/freelancers", {"rating_min": rating}).status_code == status
