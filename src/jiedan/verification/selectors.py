"""Reads for identity verification and skill tests, including the badges other apps show.

``verified_user_ids``, ``is_identity_verified``, ``verified_skill_ids`` and
``verified_skills_by_user`` are the public interface for badges (profiles, search): keep their
names and signatures.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.accounts import roles
from jiedan.core.errors import NotFound, PermissionDenied

from .models import (
    DocumentAccess,
    IdentitySubmission,
    SkillTest,
    SkillTestAttempt,
    SkillTestAttemptQuestion,
    SkillTestChoice,
)

DOCUMENT_ACCESS_WINDOW = timedelta(minutes=10)


# ---------------------------------------------------------------- badges


def verified_user_ids(*, user_ids) -> set[int]:
    """Which of these people have an approved identity submission (one query)."""
    return set(
        IdentitySubmission.objects.filter(
            user_id__in=list(user_ids), status=IdentitySubmission.Status.APPROVED
        ).values_list("user_id", flat=True)
    )


def is_identity_verified(*, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(verified_user_ids(user_ids=[user.pk]))


def verified_skills_by_user(*, user_ids) -> dict[int, set[int]]:
    """Skill ids each person has proved by passing a test (one query; absent = none)."""
    rows = (
        SkillTestAttempt.objects.filter(user_id__in=list(user_ids), passed=True)
        .values_list("user_id", "test__skill_id")
        .distinct()
    )
    result: dict[int, set[int]] = defaultdict(set)
    for user_id, skill_id in rows:
        result[user_id].add(skill_id)
    return dict(result)


def verified_skill_ids(*, user_id: int) -> set[int]:
    return verified_skills_by_user(user_ids=[user_id]).get(user_id, set())


# ---------------------------------------------------------------- identity, the person's own view


def identity_submissions_of(*, user) -> QuerySet[IdentitySubmission]:
    """The person's own submissions, newest first (status and reason; never shown the image)."""
    return IdentitySubmission.objects.filter(user=user)


def identity_current_of(*, user) -> IdentitySubmission | None:
    """The submission that decides the person's status: approved if any, else the newest."""
    submissions = identity_submissions_of(user=user)
    approved = submissions.filter(status=IdentitySubmission.Status.APPROVED).first()
    return approved or submissions.first()


def identity_can_submit(*, current: IdentitySubmission | None) -> bool:
    return current is None or current.status == IdentitySubmission.Status.REJECTED


# ---------------------------------------------------------------- identity, staff


def identity_submission_for_staff(*, actor, submission_id: int) -> IdentitySubmission:
    """A submission for staff who review or may view identities; others get ``PermissionDenied``."""
    if not (roles.user_can(actor, "identity.view") or roles.user_can(actor, "verification.review")):
        raise PermissionDenied()
    submission = (
        IdentitySubmission.objects.select_related("user", "decided_by")
        .prefetch_related("history__actor")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise NotFound(_("No such submission."), code="submission_not_found")
    return submission


def document_access_for(
    *, actor, access_id: int, submission_id: int | None = None
) -> DocumentAccess:
    """A recent access record of ``actor``'s, while they still hold ``identity.view``.

    Records older than ``DOCUMENT_ACCESS_WINDOW`` no longer open anything: ask again, with a
    reason, for a new one.
    """
    if not roles.user_can(actor, "identity.view"):
        raise PermissionDenied()
    access = (
        DocumentAccess.objects.select_related("submission")
        .filter(
            pk=access_id,
            staff=actor,
            at__gte=timezone.now() - DOCUMENT_ACCESS_WINDOW,
        )
        .first()
    )
    if access is None or (submission_id is not None and access.submission_id != submission_id):
        raise NotFound(_("This access has expired. Give a reason again."), code="access_expired")
    return access


def mask(value: str, *, keep_start: int = 1, keep_end: int = 1) -> str:
    """``value`` with all but its first and last characters hidden."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


# ---------------------------------------------------------------- skill tests


@dataclass(frozen=True)
class SkillTestState:
    """Where the person stands with one test."""

    AVAILABLE = "available"
    OPEN = "open"
    COOLDOWN = "cooldown"
    PASSED = "passed"
    NOT_READY = "not_ready"

    test: SkillTest
    state: str
    retry_at: datetime | None = None
    open_attempt_id: int | None = None
    score_percent: int | None = None


def _ended_at(attempt: SkillTestAttempt) -> datetime:
    return attempt.finished_at or attempt.deadline


def attempt_retry_at(attempt: SkillTestAttempt) -> datetime:
    """When the test may be taken again after this (failed or expired) attempt."""
    return _ended_at(attempt) + timedelta(days=attempt.test.cooldown_days)


def skill_tests_for(*, user) -> list[SkillTestState]:
    """Every active test with the person's state; two queries whatever the number of tests."""
    tests = list(
        SkillTest.objects.filter(is_active=True)
        .select_related("skill")
        .annotate(active_questions=Count("questions", filter=Q(questions__is_active=True)))
    )
    attempts: dict[int, list[SkillTestAttempt]] = defaultdict(list)
    if user.is_authenticated:
        for attempt in SkillTestAttempt.objects.filter(user=user).order_by("started_at", "id"):
            attempts[attempt.test_id].append(attempt)
    now = timezone.now()
    return [_state(test, attempts[test.pk], now=now) for test in tests]


def _state(test: SkillTest, attempts: list[SkillTestAttempt], *, now: datetime) -> SkillTestState:
    passed = next((a for a in attempts if a.passed), None)
    if passed is not None:
        return SkillTestState(test, SkillTestState.PASSED, score_percent=passed.score_percent)
    open_attempt = next(
        (
            a
            for a in attempts
            if a.status == SkillTestAttempt.Status.OPEN and not a.is_overdue(now=now)
        ),
        None,
    )
    if open_attempt is not None:
        return SkillTestState(test, SkillTestState.OPEN, open_attempt_id=open_attempt.pk)
    if attempts:
        retry_at = max(_ended_at(a) for a in attempts) + timedelta(days=test.cooldown_days)
        if now < retry_at:
            return SkillTestState(test, SkillTestState.COOLDOWN, retry_at=retry_at)
    if test.active_questions < test.questions_per_attempt:
        return SkillTestState(test, SkillTestState.NOT_READY)
    return SkillTestState(test, SkillTestState.AVAILABLE)


def attempt_of(*, user, attempt_id: int) -> SkillTestAttempt:
    """One of the person's own attempts with its drawn questions and their choices.

    Another person's attempt is "not found". Correctness is loaded (choices are model rows) but
    callers show only the texts and ids: see ``attempt_questions``.
    """
    attempt = (
        SkillTestAttempt.objects.select_related("test__skill")
        .prefetch_related(
            Prefetch(
                "drawn",
                queryset=SkillTestAttemptQuestion.objects.select_related("question")
                .prefetch_related(
                    Prefetch("question__choices", queryset=SkillTestChoice.objects.all())
                )
                .order_by("position"),
            )
        )
        .filter(pk=attempt_id, user=user)
        .first()
    )
    if attempt is None:
        raise NotFound(_("No such attempt."), code="attempt_not_found")
    return attempt


@dataclass(frozen=True)
class ShownChoice:
    id: int
    text: str


@dataclass(frozen=True)
class ShownQuestion:
    """What a test taker may see of a question: its text and its choices, never which is right."""

    id: int
    text: str
    choices: list[ShownChoice]
    chosen_id: int | None


def attempt_questions(attempt: SkillTestAttempt) -> list[ShownQuestion]:
    return [
        ShownQuestion(
            id=row.question_id,
            text=row.question.text,
            choices=[ShownChoice(id=c.pk, text=c.text) for c in row.question.choices.all()],
            chosen_id=row.chosen_id,
        )
        for row in attempt.drawn.all()
    ]


def attempt_effective_status(attempt: SkillTestAttempt, *, now: datetime | None = None) -> str:
    """The status as the person should see it: an overdue open attempt has run out of time."""
    if attempt.is_overdue(now=now or timezone.now()):
        return SkillTestAttempt.Status.EXPIRED
    return attempt.status


def attempt_seconds_left(attempt: SkillTestAttempt, *, now: datetime | None = None) -> int:
    """Whole seconds until the deadline shown to the person (the grace is not advertised)."""
    if attempt.status != SkillTestAttempt.Status.OPEN:
        return 0
    left = (attempt.deadline - (now or timezone.now())).total_seconds()
    return max(0, int(left))
