"""The public help page in both languages, and the figures on profile pages."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.profiles.models import ClientProfile, FreelancerProfile
from jiedan.reputation import formulas
from jiedan.reputation.services import reputation_refresh
from tests.factories import UserFactory

from .factories import completed_contract, review_of_client, review_of_freelancer

pytestmark = pytest.mark.django_db


def _get(name, language="en", **kwargs):
    with translation.override(language):
        url = reverse(name, kwargs=kwargs)
        return Client().get(url, HTTP_ACCEPT_LANGUAGE=language)


def test_help_page_publishes_the_formulas_in_english():
    response = _get("reputation:how_it_works")
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is no secret score." in page
    assert "halves every 365 days" in page
    assert "average 4.33" in page  # the worked example, computed by the same code
    assert "It is shown from 5 ended contracts" in page
    assert "less than 50% of the amount in dispute" in page
    for criterion in ("At least 3 completed contracts", "Average rating at least 4.8"):
        assert criterion in page
    assert "¥100,000.00 and more" in page
    assert "Median first answer under 2 hours" in page


def test_help_page_follows_the_constants(monkeypatch):
    monkeypatch.setattr(formulas, "JSS_MIN_CONTRACTS", 7)
    monkeypatch.setattr(formulas, "RISING_MIN_COMPLETED", 4)
    page = _get("reputation:how_it_works").content.decode()
    assert "It is shown from 7 ended contracts" in page
    assert "At least 4 completed contracts" in page


def test_help_page_in_chinese():
    response = _get("reputation:how_it_works", "zh-hans")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in page
    assert "/zh-hans/reputation/how-it-works/" in response.request["PATH_INFO"]
    assert "365" in page and "4.33" in page


def _freelancer_with_history() -> FreelancerProfile:
    freelancer = UserFactory()
    profile = FreelancerProfile.objects.create(user=freelancer, headline="Brand designer")
    for rating in (5, 5, 4):
        contract = completed_contract(freelancer=freelancer)
        review_of_freelancer(contract, rating)
        review_of_client(contract, 5)
    reputation_refresh(user_ids=[freelancer.pk])
    return profile


def test_freelancer_profile_shows_level_figures_and_why(django_assert_max_num_queries):
    # given a rising freelancer with three rated contracts
    profile = _freelancer_with_history()
    # when a visitor opens the profile
    with django_assert_max_num_queries(12):
        response = _get("profiles:freelancer_detail", user_id=profile.user_id)
    page = response.content.decode()
    # then the level, rating, figures and the reasons are there
    assert response.status_code == 200
    assert 'data-level="rising"' in page and "Rising talent" in page
    assert "★ 4.67 (3 ratings)" in page
    assert "Not enough contracts yet" in page  # job success needs five
    assert "100% (3 of 3)" in page
    assert "¥1,000.00 – ¥10,000.00" in page
    assert "<summary>Why this level</summary>" in page
    assert 'data-met="no"' in page and 'data-met="yes"' in page
    assert 'href="/en/reputation/how-it-works/"' in page


def test_profile_without_figures_says_so():
    profile = FreelancerProfile.objects.create(user=UserFactory())
    page = _get("profiles:freelancer_detail", user_id=profile.user_id).content.decode()
    assert "New on Jiedan: no figures yet." in page


def test_client_profile_shows_hire_rate_payment_record_and_rating():
    client = UserFactory()
    ClientProfile.objects.create(user=client, company_name="Tea House")
    contract = completed_contract(freelancer=UserFactory(), client=client)
    review_of_client(contract, 4)
    reputation_refresh(user_ids=[client.pk])
    page = _get("profiles:client_detail", user_id=client.pk).content.decode()
    assert 'data-reputation="client"' in page
    assert "100% of 1 project" in page
    assert "100% of 1 payment" in page
    assert "★ 4.00 (1 rating)" in page


def test_client_profile_in_chinese_renders():
    client = UserFactory()
    ClientProfile.objects.create(user=client, company_name="茶馆")
    reputation_refresh(user_ids=[client.pk])
    response = _get("profiles:client_detail", "zh-hans", user_id=client.pk)
    assert response.status_code == 200
    assert 'data-reputation="client"' in response.content.decode()
