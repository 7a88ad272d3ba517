"""Badges on profiles come from verification: an approved identity, a passed skill test."""

# The fixtures come from the verification tests, imported so pytest finds them here too.
# ruff: noqa: F401, F811

import pytest
from django.test import Client

from jiedan.profiles import services
from jiedan.verification import services as verification
from tests.profiles.helpers import details
from tests.verification.conftest import answers_for, document, make_test, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(staff_factory):
    return staff_factory("moderator")


def test_badges_appear_only_after_approval_and_a_passed_test(user, moderator, submit, make_test):
    # given a public profile with the tested skill
    test = make_test(per_attempt=4)
    services.freelancer_profile_update(user=user, details=details())
    services.freelancer_skills_set(user=user, skill_ids=[test.skill_id])
    url = f"/en/freelancers/{user.pk}/"
    # when identity is only submitted, there is no badge
    submission = submit(user)
    page = Client().get(url).content.decode()
    assert "Identity verified" not in page and "Passed the skill test" not in page
    # when a moderator approves it and the freelancer passes the test
    verification.identity_submission_approve(submission_id=submission.pk, actor=moderator)
    attempt = verification.attempt_start(user=user, test_id=test.pk)
    verification.attempt_submit(
        user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=4)
    )
    # then the page and the API show both badges
    page = Client().get(url).content.decode()
    assert "Identity verified" in page and "Passed the skill test" in page
    body = Client().get(f"/api/v1/profiles/freelancers/{user.pk}").json()
    assert body["identity_verified"] is True
    assert body["skills"] == [{**body["skills"][0], "verified": True}]


def test_a_failed_test_gives_no_skill_badge(user, make_test):
    test = make_test(per_attempt=4)
    services.freelancer_skills_set(user=user, skill_ids=[test.skill_id])
    attempt = verification.attempt_start(user=user, test_id=test.pk)
    verification.attempt_submit(
        user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=1)
    )
    body = Client().get(f"/api/v1/profiles/freelancers/{user.pk}").json()
    assert body["skills"][0]["verified"] is False
    assert body["identity_verified"] is False


def test_client_page_shows_the_identity_badge(user, moderator, submit):
    services.client_profile_update(user=user, company_name="Acme", about="", city="", website="")
    submission = submit(user)
    verification.identity_submission_approve(submission_id=submission.pk, actor=moderator)
    assert "Identity verified" in Client().get(f"/en/clients/{user.pk}/").content.decode()
