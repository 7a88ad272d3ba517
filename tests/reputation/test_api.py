"""GET /api/v1/reputation/{user_id}: public figures only, following profile visibility."""

import pytest
from django.test import Client

from jiedan.profiles.models import ClientProfile, FreelancerProfile
from jiedan.reputation.services import reputation_refresh
from tests.factories import UserFactory, bearer

from .factories import closed_dispute, completed_contract, review_of_freelancer

pytestmark = pytest.mark.django_db


def _get(user_id, **headers):
    return Client().get(f"/api/v1/reputation/{user_id}", HTTP_ACCEPT_LANGUAGE="en", **headers)


def test_anyone_reads_a_freelancers_public_figures(django_assert_max_num_queries):
    # given a freelancer with rated work and a lost dispute
    freelancer = UserFactory()
    FreelancerProfile.objects.create(user=freelancer)
    contract = completed_contract(freelancer=freelancer)
    review_of_freelancer(contract, 5, private_rating=2)
    closed_dispute(contract, to_freelancer="100.00")
    reputation_refresh(user_ids=[freelancer.pk])
    # when anyone asks
    with django_assert_max_num_queries(6):
        response = _get(freelancer.pk)
    body = response.json()
    # then the public figures come back, with labels and the reasons
    assert response.status_code == 200
    figures = body["freelancer"]
    assert figures["level"] == "new" and figures["level_label"] == "New"
    assert figures["rating"] == "5.00" and figures["rating_count"] == 1
    assert figures["job_success"] is None
    assert figures["earned_band_label"] == "¥0.00 – ¥1,000.00"
    lost = {c["code"]: c for c in figures["criteria"]["rising"]}["no_recent_lost_dispute"]
    assert lost == {"code": "no_recent_lost_dispute", "met": False, "text": lost["text"]}
    assert body["formulas_url"] == "/en/reputation/how-it-works/"
    # and nothing private: no private rating, no lost-dispute count, no money figure
    text = response.content.decode()
    for private in ("private_rating", "lost_disputes_recent", "900"):
        assert private not in text
    assert body["client"] is None


def test_a_clients_figures():
    client = UserFactory()
    ClientProfile.objects.create(user=client)
    completed_contract(freelancer=UserFactory(), client=client)
    reputation_refresh(user_ids=[client.pk])
    body = _get(client.pk).json()
    assert body["client"]["hire_rate"] == 100
    assert body["client"]["payment_record"] == 100
    assert body["client"]["spent_band_label"] == "¥1,000.00 – ¥10,000.00"


def test_a_hidden_profile_hides_its_figures():
    # given a freelancer who hides their profile
    freelancer = UserFactory()
    FreelancerProfile.objects.create(user=freelancer, visibility="hidden")
    reputation_refresh(user_ids=[freelancer.pk])
    # then others learn nothing, the owner sees their own
    response = _get(freelancer.pk)
    assert response.status_code == 404
    assert response.json()["code"] == "reputation_not_found"
    assert _get(freelancer.pk, **bearer(freelancer)).json()["freelancer"]["level"] == "new"


def test_unknown_or_deactivated_people_are_404():
    # given a deactivated freelancer who still has a snapshot
    gone = UserFactory()
    FreelancerProfile.objects.create(user=gone)
    reputation_refresh(user_ids=[gone.pk])
    gone.is_active = False
    gone.save()
    # then they, like an id nobody has, are not found
    for user_id in (gone.pk, gone.pk + 1000):
        response = _get(user_id)
        assert response.status_code == 404
        assert response.json()["code"] == "person_not_found"


def test_no_figures_yet_is_404():
    response = _get(UserFactory().pk)
    assert response.status_code == 404
    assert response.json()["code"] == "reputation_not_found"
