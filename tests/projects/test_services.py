"""Project services: drafts, bad input, publishing, transitions with history, expiry."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jiedan.core.errors import Conflict, InvalidInput, NotFound
from jiedan.projects import services
from jiedan.projects.models import (
    ALLOWED_TRANSITIONS,
    PUBLISH_PERIOD,
    Project,
    ProjectStatusChange,
    Status,
)
from jiedan.projects.services import ProjectDetails
from tests.factories import UserFactory

from .factories import CategoryFactory, ProjectFactory, SkillFactory, open_project

pytestmark = pytest.mark.django_db


def details(category, **overrides) -> ProjectDetails:
    values = {
        "title": "Design a logo for our tea shop",
        "description": "We need a logo in colour and black and white, with source files included.",
        "category_id": category.pk,
        "budget_min": "500",
        "budget_max": "800",
    }
    return ProjectDetails(**{**values, **overrides})


def snapshot(project: Project) -> tuple:
    project.refresh_from_db()
    return (
        project.title,
        project.status,
        project.budget_min,
        project.budget_max,
        project.deadline,
        project.screening_questions,
        project.status_changes.count(),
    )


def test_create_makes_a_draft_with_skills(user):
    category = CategoryFactory()
    skill = SkillFactory(category=category)
    project = services.project_create(
        client=user,
        details=details(category, skill_ids=[skill.pk], screening_questions=[" Why you? ", ""]),
    )
    assert project.status == Status.DRAFT
    assert project.budget_min == Decimal("500.00")
    assert list(project.skills.all()) == [skill]
    assert project.screening_questions == ["Why you?"]
    assert project.published_at is None


BAD_INPUT = [
    ({"budget_min": "-5"}, "amount_out_of_range"),
    ({"budget_min": "0"}, "amount_out_of_range"),
    ({"budget_min": "900", "budget_max": "800"}, "budget_inverted"),
    ({"budget_max": None}, "budget_incomplete"),
    ({"deadline": "past"}, "deadline_past"),
    ({"screening_questions": [f"Q{i}?" for i in range(6)]}, "too_many_questions"),
    ({"screening_questions": ["x" * 201]}, "question_too_long"),
    ({"title": "  "}, "title_required"),
    ({"category_id": 999999}, "unknown_category"),
    ({"skill_ids": [999999]}, "unknown_skill"),
    ({"currency": "XXX"}, "unsupported_currency"),
    ({"budget_type": "weekly"}, "bad_budget_type"),
    ({"work_mode": "moon"}, "bad_work_mode"),
    ({"work_mode": "local", "city": "Hangzhou", "radius_km": 9999}, "bad_radius"),
]


@pytest.mark.parametrize(("overrides", "code"), BAD_INPUT)
def test_bad_input_on_create_writes_nothing(user, overrides, code):
    category = CategoryFactory()
    if overrides.get("deadline") == "past":
        overrides = {**overrides, "deadline": timezone.localdate() - timedelta(days=1)}
    with pytest.raises(InvalidInput) as caught:
        services.project_create(client=user, details=details(category, **overrides))
    assert caught.value.code == code
    assert Project.objects.count() == 0


@pytest.mark.parametrize(("overrides", "code"), BAD_INPUT)
def test_bad_input_on_update_changes_nothing(overrides, code):
    project = ProjectFactory()
    if overrides.get("deadline") == "past":
        overrides = {**overrides, "deadline": timezone.localdate() - timedelta(days=1)}
    before = snapshot(project)
    with pytest.raises(InvalidInput) as caught:
        services.project_update(
            client=project.client,
            project_id=project.pk,
            details=details(project.category, **overrides),
        )
    assert caught.value.code == code
    assert snapshot(project) == before


def test_stranger_cannot_update_publish_cancel_or_close():
    project = ProjectFactory()
    stranger = UserFactory()
    before = snapshot(project)
    for action in (services.project_publish, services.project_cancel, services.project_close):
        with pytest.raises(NotFound):
            action(client=stranger, project_id=project.pk)
    with pytest.raises(NotFound):
        services.project_update(
            client=stranger, project_id=project.pk, details=details(project.category)
        )
    assert snapshot(project) == before


def test_update_only_while_draft_or_open():
    project = ProjectFactory(status=Status.CLOSED)
    before = snapshot(project)
    with pytest.raises(Conflict):
        services.project_update(
            client=project.client, project_id=project.pk, details=details(project.category)
        )
    assert snapshot(project) == before


def test_open_project_must_stay_complete():
    project = open_project()
    before = snapshot(project)
    with pytest.raises(InvalidInput) as caught:
        services.project_update(
            client=project.client,
            project_id=project.pk,
            details=details(project.category, description="too short"),
        )
    assert caught.value.code == "project_incomplete"
    assert snapshot(project) == before


def test_publish_opens_for_thirty_days_with_history():
    project = ProjectFactory()
    now = timezone.now()
    services.project_publish(client=project.client, project_id=project.pk, now=now)
    project.refresh_from_db()
    assert project.status == Status.OPEN
    assert project.published_at == now
    assert project.expires_at == now + PUBLISH_PERIOD
    change = project.status_changes.get()
    assert (change.actor, change.from_status, change.to_status) == (
        project.client,
        Status.DRAFT,
        Status.OPEN,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"description": "Too short."},
        {"category": None},
        {"budget_min": None, "budget_max": None},
        {"title": ""},
        {"deadline": "past"},
        {"work_mode": "local", "city": ""},
        {"work_mode": "local", "city": "Shanghai", "radius_km": None},
    ],
)
def test_publish_refuses_incomplete_project(overrides):
    if overrides.get("deadline") == "past":
        overrides = {"deadline": timezone.localdate() - timedelta(days=2)}
    project = ProjectFactory(**overrides)
    before = snapshot(project)
    with pytest.raises(InvalidInput) as caught:
        services.project_publish(client=project.client, project_id=project.pk)
    assert caught.value.code == "project_incomplete"
    assert snapshot(project) == before
    assert project.published_at is None


def test_local_project_with_city_and_radius_publishes():
    project = ProjectFactory(work_mode="local", city="Chengdu", radius_km=20)
    services.project_publish(client=project.client, project_id=project.pk)
    project.refresh_from_db()
    assert project.status == Status.OPEN


def test_publish_twice_is_a_conflict():
    project = open_project()
    with pytest.raises(Conflict):
        services.project_publish(client=project.client, project_id=project.pk)
    assert project.status_changes.count() == 0


ALL_MOVES = [(a, b) for a in Status.values for b in Status.values if a != b]


@pytest.mark.parametrize(("start", "to"), ALL_MOVES)
def test_transition_map_is_enforced_with_history(start, to):
    project = ProjectFactory(status=start)
    actor = project.client
    if to in ALLOWED_TRANSITIONS[start]:
        services.project_transition(project=project, to=to, actor=actor, reason="why")
        project.refresh_from_db()
        assert project.status == to
        change = ProjectStatusChange.objects.get(project=project)
        assert (change.from_status, change.to_status, change.actor, change.reason) == (
            start,
            to,
            actor,
            "why",
        )
        assert change.created_at is not None
    else:
        with pytest.raises(Conflict) as caught:
            services.project_transition(project=project, to=to, actor=actor)
        assert caught.value.code == "illegal_transition"
        project.refresh_from_db()
        assert project.status == start
        assert not ProjectStatusChange.objects.filter(project=project).exists()


def test_no_moves_out_of_closed_or_cancelled():
    assert ALLOWED_TRANSITIONS[Status.CLOSED] == frozenset()
    assert ALLOWED_TRANSITIONS[Status.CANCELLED] == frozenset()


def test_cancel_and_close_by_owner():
    draft = ProjectFactory()
    services.project_cancel(client=draft.client, project_id=draft.pk, reason=" changed plans ")
    draft.refresh_from_db()
    assert draft.status == Status.CANCELLED
    assert draft.status_changes.get().reason == "changed plans"
    live = open_project()
    services.project_close(client=live.client, project_id=live.pk)
    live.refresh_from_db()
    assert live.status == Status.CLOSED


def test_cannot_close_a_draft():
    draft = ProjectFactory()
    with pytest.raises(Conflict):
        services.project_close(client=draft.client, project_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_expire_overdue_is_idempotent():
    now = timezone.now()
    overdue = open_project(expires_at=now - timedelta(minutes=1))
    fresh = open_project(expires_at=now + timedelta(days=1))
    reviewing = ProjectFactory(status=Status.IN_REVIEW, expires_at=now - timedelta(days=1))
    assert services.projects_expire_overdue(now=now) == 1
    assert services.projects_expire_overdue(now=now) == 0
    overdue.refresh_from_db()
    fresh.refresh_from_db()
    reviewing.refresh_from_db()
    assert (overdue.status, fresh.status, reviewing.status) == (
        Status.CLOSED,
        Status.OPEN,
        Status.IN_REVIEW,
    )
    change = overdue.status_changes.get()
    assert (change.actor, change.from_status, change.to_status, change.reason) == (
        None,
        Status.OPEN,
        Status.CLOSED,
        "expired",
    )
    assert ProjectStatusChange.objects.count() == 1


def test_database_refuses_inverted_or_non_positive_budget():
    from django.db import IntegrityError, transaction

    for low, high in (("0", "10"), ("10", "5")):
        with pytest.raises(IntegrityError), transaction.atomic():
            ProjectFactory(budget_min=Decimal(low), budget_max=Decimal(high))
    assert Project.objects.count() == 0
