"""Recommendations both ways: freelancers for a client's project and projects for a
freelancer, scored from skills (shared and related), meaning, reputation (neutral when
absent), price fit, availability, distance and a boost for newcomers, each with its reasons;
dismissals hide, answers teach; strong matches of new projects are notified once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jiedan.matching.models import ProjectAlert
from jiedan.matching.recommend import freelancers_for_project, projects_for_freelancer
from jiedan.matching.scoring import NEUTRAL, WEIGHTS, Signals, category_affinity, score
from jiedan.matching.services.recommendations import (
    freelancer_dismiss,
    freelancer_invite,
    new_projects_alert,
    project_feedback,
)
from jiedan.notifications.models import Notification
from jiedan.profiles import services as profiles
from jiedan.profiles.selectors import freelancer_profile_of
from jiedan.projects.services import project_search_sync
from jiedan.proposals.models import Invitation
from jiedan.reputation.models import FreelancerReputation
from tests.catalog.factories import CategoryFactory, SkillFactory
from tests.factories import UserFactory, bearer
from tests.profiles.helpers import details
from tests.projects.factories import open_project

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ the score


def test_unknown_signals_are_neutral_and_the_weights_sum_to_one():
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    assert score(Signals()).score == pytest.approx(NEUTRAL)


def test_a_strong_pair_scores_high_with_its_reasons():
    with translation.override("en"):
        scored = score(
            Signals(
                shared_skills=3,
                project_skills=3,
                similarity=0.9,
                related_above=0.8,
                rating=Decimal("4.9"),
                job_success=95,
                response_hours=Decimal("1.5"),
                rate_fits=True,
                availability="full_time",
                distance_km=4.6,
                reach_km=20,
            )
        )
    assert scored.score == pytest.approx(
        0.30 + 0.25 * 1.0 + 0.15 * (0.98 + 0.95) / 2 + 0.10 + 0.08 + 0.07 + 0.05 * (1 - 4.6 / 20),
        abs=1e-4,
    )
    texts = [reason.text for reason in scored.reasons]
    assert texts[0] == "3 of your skills"
    assert {"Within 5 km", "The budget fits your rate", "Rated 4.9 of 5"} <= set(texts)


def test_newcomers_get_a_boost_and_answers_move_categories():
    base = score(Signals(shared_skills=1, project_skills=2)).score
    assert score(Signals(shared_skills=1, project_skills=2, days_on_platform=3)).score > base
    assert score(Signals(shared_skills=1, project_skills=2, days_on_platform=40)).score == base
    assert category_affinity(0, 0) == 0
    assert category_affinity(2, 0) == pytest.approx(0.5)
    assert category_affinity(0, 3) == pytest.approx(-0.6)
    assert score(Signals(affinity=-0.6)).score < score(Signals()).score


# ------------------------------------------------------------------ freelancers for a project


def _freelancer(skills, capture, **overrides):
    user = UserFactory()
    with capture(execute=True):
        profiles.freelancer_profile_update(user=user, details=details(**overrides))
        profiles.freelancer_skills_set(user=user, skill_ids=[s.pk for s in skills])
    return user


@pytest.fixture
def web_skills():
    category = CategoryFactory()
    return category, [SkillFactory(category=category) for _ in range(4)]


def test_freelancers_for_a_project_rank_by_fit_and_skip_the_unavailable(
    web_skills, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    category, (django, react, css, seo) = web_skills
    react.related.add(css)
    project = open_project(category=category)
    project.skills.set([django, react])
    both = _freelancer([django, react], django_capture_on_commit_callbacks)
    related = _freelancer([css], django_capture_on_commit_callbacks)
    _freelancer([django], django_capture_on_commit_callbacks, availability="unavailable")
    _freelancer([django], django_capture_on_commit_callbacks, visibility="hidden")
    _freelancer([seo], django_capture_on_commit_callbacks)
    FreelancerReputation.objects.create(
        user=both, rating=Decimal("4.8"), job_success=96, computed_at=timezone.now()
    )
    with django_assert_max_num_queries(8):
        found = freelancers_for_project(project=project)
    assert [match.item.user_id for match in found][:2] == [both.pk, related.pk]
    with translation.override("en"):
        reasons = {r.code for r in freelancers_for_project(project=project)[0].reasons}
    assert {"skills", "rating", "new"} <= reasons


def test_on_site_work_needs_a_freelancer_within_reach(
    web_skills, django_capture_on_commit_callbacks
):
    _category, (skill, *_rest) = web_skills
    project = open_project(
        work_mode="local", city="上海", radius_km=10, latitude=31.23, longitude=121.47
    )
    project.skills.set([skill])
    near = _freelancer(
        [skill],
        django_capture_on_commit_callbacks,
        service_mode="local",
        city="苏州",
        service_radius_km=100,
    )
    _freelancer(
        [skill],
        django_capture_on_commit_callbacks,
        service_mode="local",
        city="北京",
        service_radius_km=50,
    )
    _freelancer([skill], django_capture_on_commit_callbacks, service_mode="remote")
    found = freelancers_for_project(project=project)
    assert [match.item.user_id for match in found] == [near.pk]
    assert "distance" in {reason.code for reason in found[0].reasons}


def test_a_dismissed_freelancer_is_not_suggested_again_and_invites_go_through(
    web_skills, django_capture_on_commit_callbacks
):
    _category, (skill, *_rest) = web_skills
    project = open_project()
    project.skills.set([skill])
    first = _freelancer([skill], django_capture_on_commit_callbacks)
    second = _freelancer([skill], django_capture_on_commit_callbacks)
    freelancer_dismiss(client=project.client, project_id=project.pk, freelancer_id=first.pk)
    assert [m.item.user_id for m in freelancers_for_project(project=project)] == [second.pk]
    invitation = freelancer_invite(
        client=project.client, project_id=project.pk, freelancer_id=second.pk
    )
    assert Invitation.objects.filter(pk=invitation.pk, freelancer=second).exists()


def test_nobody_answers_for_someone_elses_project(web_skills, django_capture_on_commit_callbacks):
    _category, (skill, *_rest) = web_skills
    project = open_project()
    project.skills.set([skill])
    freelancer = _freelancer([skill], django_capture_on_commit_callbacks)
    stranger = UserFactory()
    browser = Client()
    browser.force_login(stranger)
    for name in ("recommendations:invite", "recommendations:dismiss"):
        response = browser.post(reverse(name, args=[project.pk, freelancer.pk]))
        assert response.status_code == 404
    assert not Invitation.objects.exists()
    assert [m.item.user_id for m in freelancers_for_project(project=project)] == [freelancer.pk]


# ------------------------------------------------------------------ projects for a freelancer


def test_projects_for_a_freelancer_skip_their_own_answers_and_learn(
    web_skills, django_capture_on_commit_callbacks
):
    category, (skill, other, *_rest) = web_skills
    design = CategoryFactory()
    freelancer = _freelancer([skill], django_capture_on_commit_callbacks)
    web_project = open_project(category=category)
    design_project = open_project(category=design)
    hidden = open_project(category=category)
    for project in (web_project, design_project, hidden):
        project.skills.set([skill])
    open_project(category=category).skills.set([other])  # shares nothing
    profile = freelancer_profile_of(user=freelancer)
    found = [m.item.pk for m in projects_for_freelancer(profile=profile)]
    assert set(found) == {web_project.pk, design_project.pk, hidden.pk}
    # when they dismiss one and ask for more like the design one
    project_feedback(freelancer=freelancer, project_id=hidden.pk, interested=False)
    project_feedback(freelancer=freelancer, project_id=design_project.pk, interested=True)
    found = [m.item.pk for m in projects_for_freelancer(profile=profile)]
    # then the dismissed one is gone and design projects come first
    assert found == [design_project.pk, web_project.pk]


# ------------------------------------------------------------------ alerts and pages


def test_strong_matches_of_a_new_project_are_told_once(
    web_skills, django_capture_on_commit_callbacks, settings
):
    settings.JIEDAN_ALERT_MIN_SCORE = 0.5
    _category, (skill, *_rest) = web_skills
    freelancer = _freelancer([skill], django_capture_on_commit_callbacks)
    project = open_project(published_at=timezone.now() - timedelta(hours=1))
    project.skills.set([skill])
    assert new_projects_alert() == 1
    assert new_projects_alert() == 0  # once
    alert = ProjectAlert.objects.get()
    assert (alert.freelancer_id, alert.project_id) == (freelancer.pk, project.pk)
    notification = Notification.objects.get(recipient=freelancer, kind="recommendation.project")
    assert notification.data["project_id"] == project.pk


def test_the_feed_and_the_owners_project_page_show_reasons(
    web_skills, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    _category, (skill, *_rest) = web_skills
    freelancer = _freelancer([skill], django_capture_on_commit_callbacks)
    project = open_project(title="Tea shop website")
    project.skills.set([skill])
    with django_capture_on_commit_callbacks(execute=True):
        project_search_sync(project_id=project.pk)
    browser = Client()
    browser.force_login(freelancer)
    with translation.override("en"), django_assert_max_num_queries(25):
        feed = browser.get(reverse("recommendations:feed")).content.decode()
    assert "Tea shop website" in feed and "1 of your skills" in feed
    owner = Client()
    owner.force_login(project.client)
    with translation.override("zh-hans"):
        page = owner.get(reverse("projects:detail", args=[project.pk])).content.decode()
        invite = reverse("recommendations:invite", args=[project.pk, freelancer.pk])
    assert f'data-freelancer="{freelancer.pk}"' in page
    assert invite in page


def test_the_api_lists_both_ways_and_takes_answers(web_skills, django_capture_on_commit_callbacks):
    _category, (skill, *_rest) = web_skills
    freelancer = _freelancer([skill], django_capture_on_commit_callbacks)
    project = open_project(title="Tea shop website")
    project.skills.set([skill])
    as_freelancer = Client(HTTP_ACCEPT_LANGUAGE="en", **bearer(freelancer))
    listed = as_freelancer.get("/api/v1/recommendations/projects").json()
    assert [row["project_id"] for row in listed] == [project.pk]
    assert listed[0]["reasons"][0]["code"] == "skills"
    as_client = Client(HTTP_ACCEPT_LANGUAGE="en", **bearer(project.client))
    url = f"/api/v1/recommendations/projects/{project.pk}/freelancers"
    assert [row["user_id"] for row in as_client.get(url).json()] == [freelancer.pk]
    # a stranger cannot see or answer for the client's project
    as_stranger = Client(**bearer(UserFactory()))
    assert as_stranger.get(url).status_code == 404
    assert as_stranger.post(f"{url}/{freelancer.pk}/invite").status_code == 404
    # the freelancer's "not for me" hides it
    feedback = f"/api/v1/recommendations/projects/{project.pk}/feedback"
    answered = as_freelancer.post(feedback, {"interested": False}, content_type="application/json")
    assert answered.status_code == 200
    assert as_freelancer.get("/api/v1/recommendations/projects").json() == []
    # the client invites through the list
    assert as_client.post(f"{url}/{freelancer.pk}/invite").status_code == 200
    assert Invitation.objects.filter(project=project, freelancer=freelancer).exists()
