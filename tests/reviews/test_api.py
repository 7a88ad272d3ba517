"""Reviews API under /api/v1/reviews: pending, write, a contract's reviews (the other party's
only once revealed, private answers only in the author's own view), a person's public reviews,
reply and report. Errors are {code, message}; strangers get 404 and nothing changes."""

import pytest
from django.test import Client

from jiedan.reviews.models import Review, ReviewReport
from tests.contracts.factories import active_contract
from tests.factories import UserFactory, bearer

from .factories import both_reviewed, completed_contract, review, unpaid_cancelled_contract

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reviews"


def api(user=None) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en", **(bearer(user) if user else {}))


def post(user, path: str, body: dict):
    return api(user).post(f"{BASE}{path}", body, content_type="application/json")


CLIENT_REVIEW = {
    "rating": 4,
    "dimensions": {"quality": 4, "communication": 5, "timeliness": 3, "professionalism": 4},
    "text": "Good logo.",
    "private_rating": 8,
    "private_feedback": "A bit slow to answer.",
}
FREELANCER_REVIEW = {
    "rating": 5,
    "dimensions": {"clarity": 5, "responsiveness": 5, "payment": 5},
    "text": "Clear brief.",
    "private_feedback": "Would gladly work again.",
}


def test_write_then_reveal_through_the_api():
    contract = completed_contract()
    # both see the contract as pending
    pending = api(contract.client).get(f"{BASE}/pending").json()
    assert [(p["contract_id"], p["other_reviewed"]) for p in pending] == [(contract.pk, False)]
    assert pending[0]["other"]["id"] == contract.freelancer_id
    # the client writes: their own view has the private answers; the review is sealed
    written = post(contract.client, f"/contracts/{contract.pk}", CLIENT_REVIEW)
    assert written.status_code == 201
    mine = written.json()["mine"]
    assert mine["dimensions"]["timeliness"] == 3 and mine["private_rating"] == 8
    assert mine["revealed_at"] is None and written.json()["theirs"] is None
    # the freelancer sees only that the client reviewed
    seen = api(contract.freelancer).get(f"{BASE}/contracts/{contract.pk}").json()
    assert seen == {
        "can_write": True,
        "closes_at": seen["closes_at"],
        "other_reviewed": True,
        "mine": None,
        "theirs": None,
    }
    assert api(contract.freelancer).get(f"{BASE}/pending").json()[0]["other_reviewed"] is True
    # the freelancer writes: both revealed; each sees the other's without its private part
    revealed = post(contract.freelancer, f"/contracts/{contract.pk}", FREELANCER_REVIEW).json()
    theirs = revealed["theirs"]
    assert theirs["text"] == "Good logo." and theirs["revealed_at"] is not None
    assert "private_rating" not in theirs and "private_feedback" not in theirs
    assert api(contract.freelancer).get(f"{BASE}/pending").json() == []


def test_refusals_have_a_code_and_change_nothing():
    contract = completed_contract()
    stranger = post(UserFactory(), f"/contracts/{contract.pk}", CLIENT_REVIEW)
    assert stranger.status_code == 404 and stranger.json()["code"] == "contract_not_found"
    seen = api(UserFactory()).get(f"{BASE}/contracts/{contract.pk}")
    assert seen.status_code == 404
    wrong_side = post(contract.freelancer, f"/contracts/{contract.pk}", CLIENT_REVIEW)
    assert wrong_side.status_code == 422 and wrong_side.json()["code"] == "wrong_dimensions"
    out_of_range = post(
        contract.client, f"/contracts/{contract.pk}", {**CLIENT_REVIEW, "rating": 9}
    )
    assert out_of_range.status_code == 422
    assert out_of_range.json()["code"] == "validation_error"
    unpaid = unpaid_cancelled_contract()
    refused = post(unpaid.client, f"/contracts/{unpaid.pk}", CLIENT_REVIEW)
    assert refused.status_code == 409 and refused.json()["code"] == "contract_not_paid"
    anonymous = api().post(
        f"{BASE}/contracts/{contract.pk}", CLIENT_REVIEW, content_type="application/json"
    )
    assert anonymous.status_code == 401
    assert not Review.objects.exists()
    post(contract.client, f"/contracts/{contract.pk}", CLIENT_REVIEW)
    twice = post(contract.client, f"/contracts/{contract.pk}", CLIENT_REVIEW)
    assert twice.status_code == 409 and twice.json()["code"] == "already_reviewed"
    assert Review.objects.count() == 1


def test_a_persons_public_reviews_are_open_to_anyone(django_assert_max_num_queries):
    freelancer = UserFactory()
    reviews = [both_reviewed(freelancer=freelancer)[0] for _ in range(3)]
    sealed_contract = completed_contract(freelancer=freelancer)
    review(sealed_contract, sealed_contract.client)
    Review.objects.filter(pk=reviews[0].pk).update(private_feedback="Secret")
    anyone = api()
    with django_assert_max_num_queries(3):
        page = anyone.get(f"{BASE}/users/{freelancer.pk}", {"role": "freelancer"})
    body = page.json()
    assert page.status_code == 200
    assert [r["id"] for r in body["results"]] == [r.pk for r in reversed(reviews)]
    assert body["has_more"] is False and body["page"] == 1
    assert "Secret" not in page.content.decode()
    assert body["results"][0]["author"]["name"] == reviews[-1].author.get_short_name()
    as_client = anyone.get(f"{BASE}/users/{freelancer.pk}", {"role": "client"}).json()
    assert as_client["results"] == []
    unknown = anyone.get(f"{BASE}/users/{freelancer.pk}", {"role": "boss"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "reviews_not_found"


def test_reply_and_report_through_the_api():
    by_client, _ = both_reviewed()
    subject = by_client.subject
    replied = post(subject, f"/{by_client.pk}/reply", {"text": "Thanks!"})
    assert replied.status_code == 200 and replied.json()["theirs"]["reply"] == "Thanks!"
    again = post(subject, f"/{by_client.pk}/reply", {"text": "Edited"})
    assert again.status_code == 409 and again.json()["code"] == "already_replied"
    by_author = post(by_client.author, f"/{by_client.pk}/reply", {"text": "Me"})
    assert by_author.status_code == 403
    reported = post(subject, f"/{by_client.pk}/report", {"reason": "Unfair"})
    assert reported.status_code == 201 and reported.json()["status"] == "open"
    twice = post(subject, f"/{by_client.pk}/report", {"reason": "Unfair"})
    assert twice.status_code == 409 and twice.json()["code"] == "already_reported"
    missing = post(subject, "/999999/report", {"reason": "x"})
    assert missing.status_code == 404 and missing.json()["code"] == "review_not_found"
    assert ReviewReport.objects.count() == 1
    by_client.refresh_from_db()
    assert by_client.reply == "Thanks!"


def test_a_running_contract_has_nothing_to_review_yet():
    contract = active_contract()
    seen = api(contract.client).get(f"{BASE}/contracts/{contract.pk}")
    assert seen.status_code == 200
    assert seen.json() == {
        "can_write": False,
        "closes_at": None,
        "other_reviewed": False,
        "mine": None,
        "theirs": None,
    }
    refused = post(contract.client, f"/contracts/{contract.pk}", CLIENT_REVIEW)
    assert refused.status_code == 409 and refused.json()["code"] == "contract_not_ended"
    assert api(contract.client).get(f"{BASE}/pending").json() == []
