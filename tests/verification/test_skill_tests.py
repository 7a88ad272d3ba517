"""Skill-test attempts: draw, scoring, deadline, cooldown, one open attempt, badges."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from jiedan.core.errors import Conflict, InvalidInput, NotFound
from jiedan.verification import selectors, services
from jiedan.verification.models import SkillTestAttempt, SkillTestAttemptQuestion
from tests.verification.conftest import age_finished, answers_for, move_clock_back

pytestmark = pytest.mark.django_db


def test_start_draws_distinct_questions_from_the_bank(user, skill_test):
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    drawn = list(attempt.drawn.values_list("question_id", flat=True))
    assert len(drawn) == skill_test.questions_per_attempt == len(set(drawn))
    assert set(drawn) <= set(skill_test.questions.values_list("pk", flat=True))
    assert attempt.status == SkillTestAttempt.Status.OPEN
    assert attempt.deadline - attempt.started_at == timezone.timedelta(minutes=10)
    assert [(h.from_status, h.to_status) for h in attempt.history.all()] == [("", "open")]


def test_draws_vary_between_people(make_test, django_user_model):
    # given a bank of 12 with 3 drawn: 20 people are very unlikely to all get the same set
    test = make_test(bank=12, per_attempt=3)
    draws = set()
    for number in range(20):
        person = django_user_model.objects.create_user(f"p{number}@example.com", "pw")
        attempt = services.attempt_start(user=person, test_id=test.pk)
        draws.add(frozenset(attempt.drawn.values_list("question_id", flat=True)))
    assert len(draws) > 1


def test_inactive_questions_are_not_drawn(user, make_test):
    test = make_test(bank=6, per_attempt=4)
    test.questions.filter(key__in=["q0", "q1"]).update(is_active=False)
    attempt = services.attempt_start(user=user, test_id=test.pk)
    keys = set(attempt.drawn.values_list("question__key", flat=True))
    assert keys == {"q2", "q3", "q4", "q5"}


def test_a_test_with_too_few_questions_cannot_start(user, make_test):
    test = make_test(bank=3, per_attempt=4)
    with pytest.raises(Conflict) as error:
        services.attempt_start(user=user, test_id=test.pk)
    assert error.value.code == "test_not_ready"
    assert not SkillTestAttempt.objects.exists()


def test_an_inactive_test_is_not_found(user, make_test):
    test = make_test(is_active=False)
    with pytest.raises(NotFound):
        services.attempt_start(user=user, test_id=test.pk)


@pytest.mark.parametrize(
    ("correct", "score", "passed"), [(4, 100, True), (3, 75, True), (2, 50, False), (0, 0, False)]
)
def test_score_and_pass_mark(user, skill_test, correct, score, passed):
    # given a test of 4 questions with a 75% pass mark
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    # when the person answers
    result = services.attempt_submit(
        user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=correct)
    )
    # then the score is the percent right and pass follows the mark
    assert (result.status, result.score_percent, result.passed) == ("submitted", score, passed)
    assert result.finished_at is not None
    assert [h.to_status for h in result.history.all()] == ["open", "submitted"]


def test_unanswered_questions_count_as_wrong(user, skill_test):
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    answers = answers_for(attempt, correct=4)[:3]
    result = services.attempt_submit(user=user, attempt_id=attempt.pk, answers=answers)
    assert (result.score_percent, result.passed) == (75, True)
    assert SkillTestAttemptQuestion.objects.filter(attempt=attempt, chosen=None).count() == 1


def test_answers_to_questions_not_drawn_are_refused(user, make_test):
    test = make_test(bank=8, per_attempt=4)
    attempt = services.attempt_start(user=user, test_id=test.pk)
    drawn = set(attempt.drawn.values_list("question_id", flat=True))
    stranger = test.questions.exclude(pk__in=drawn).first()
    answers = [services.Answer(question_id=stranger.pk, choice_id=stranger.choices.first().pk)]
    with pytest.raises(InvalidInput):
        services.attempt_submit(user=user, attempt_id=attempt.pk, answers=answers)
    attempt.refresh_from_db()
    assert attempt.status == SkillTestAttempt.Status.OPEN
    assert not attempt.drawn.exclude(chosen=None).exists()


def test_a_choice_of_another_question_is_refused(user, skill_test):
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    first, second = attempt.drawn.order_by("position")[:2]
    wrong = services.Answer(
        question_id=first.question_id, choice_id=second.question.choices.first().pk
    )
    with pytest.raises(InvalidInput):
        services.attempt_submit(user=user, attempt_id=attempt.pk, answers=[wrong])
    attempt.refresh_from_db()
    assert attempt.status == SkillTestAttempt.Status.OPEN


def test_someone_elses_attempt_is_not_found(user, other_user, skill_test):
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    with pytest.raises(NotFound):
        services.attempt_submit(
            user=other_user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=4)
        )
    attempt.refresh_from_db()
    assert attempt.status == SkillTestAttempt.Status.OPEN


def test_an_attempt_is_submitted_once(user, skill_test):
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    services.attempt_submit(
        user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=0)
    )
    with pytest.raises(Conflict) as error:
        services.attempt_submit(
            user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=4)
        )
    assert error.value.code == "attempt_closed"
    attempt.refresh_from_db()
    assert (attempt.score_percent, attempt.passed) == (0, False)


def test_answers_within_the_grace_period_count(user, skill_test):
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    move_clock_back(attempt, seconds=10 * 60 + 20)  # 20 s past the deadline
    result = services.attempt_submit(
        user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=4)
    )
    assert result.passed


def test_answers_after_the_grace_period_are_discarded_and_the_attempt_fails(user, skill_test):
    # given an attempt 31 s past its deadline
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    move_clock_back(attempt, seconds=10 * 60 + 31)
    # when perfect answers arrive
    with pytest.raises(Conflict) as error:
        services.attempt_submit(
            user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=4)
        )
    # then they are discarded, and the attempt is closed as expired with score 0
    assert error.value.code == "attempt_expired"
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score_percent, attempt.passed) == ("expired", 0, False)
    assert attempt.finished_at == attempt.deadline
    assert not attempt.drawn.exclude(chosen=None).exists()
    assert [h.to_status for h in attempt.history.all()] == ["open", "expired"]


def test_one_open_attempt_at_a_time(user, make_test):
    first = make_test(slug="vt-a")
    second = make_test(slug="vt-b")
    services.attempt_start(user=user, test_id=first.pk)
    for test in (first, second):
        with pytest.raises(Conflict) as error:
            services.attempt_start(user=user, test_id=test.pk)
        assert error.value.code == "attempt_open"
    assert SkillTestAttempt.objects.filter(user=user).count() == 1


def test_the_database_allows_one_open_attempt_per_person(user, skill_test):
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        SkillTestAttempt.objects.create(
            user=user, test=skill_test, started_at=attempt.started_at, deadline=attempt.deadline
        )


def test_an_overdue_attempt_is_closed_when_the_next_one_starts(user, make_test):
    # given an attempt abandoned past its deadline
    first = make_test(slug="vt-a")
    second = make_test(slug="vt-b")
    abandoned = services.attempt_start(user=user, test_id=first.pk)
    move_clock_back(abandoned, seconds=3600)
    # when the person starts another test
    services.attempt_start(user=user, test_id=second.pk)
    # then the abandoned one counts as expired
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.passed) == ("expired", False)


def test_cooldown_after_failing(user, skill_test):
    # given a failed attempt
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    services.attempt_submit(
        user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=1)
    )
    # then a retry is refused during the 7-day cooldown
    with pytest.raises(Conflict) as error:
        services.attempt_start(user=user, test_id=skill_test.pk)
    assert error.value.code == "cooldown"
    assert SkillTestAttempt.objects.filter(user=user).count() == 1
    (state,) = selectors.skill_tests_for(user=user)
    assert state.state == "cooldown"
    assert state.retry_at == selectors.attempt_retry_at(SkillTestAttempt.objects.get())
    # and allowed once it is over
    age_finished(attempt, days=7.01)
    assert services.attempt_start(user=user, test_id=skill_test.pk).pk != attempt.pk


def test_an_abandoned_attempt_starts_the_cooldown_at_its_deadline(user, skill_test):
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    move_clock_back(attempt, seconds=3600)
    (state,) = selectors.skill_tests_for(user=user)
    assert state.state == "cooldown"
    assert state.retry_at == attempt.deadline + timezone.timedelta(days=7)
    with pytest.raises(Conflict) as error:
        services.attempt_start(user=user, test_id=skill_test.pk)
    assert error.value.code == "cooldown"


def test_a_passed_test_cannot_be_taken_again(user, skill_test):
    attempt = services.attempt_start(user=user, test_id=skill_test.pk)
    services.attempt_submit(
        user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=4)
    )
    age_finished(attempt, days=365)
    with pytest.raises(Conflict) as error:
        services.attempt_start(user=user, test_id=skill_test.pk)
    assert error.value.code == "already_passed"
    (state,) = selectors.skill_tests_for(user=user)
    assert (state.state, state.score_percent) == ("passed", 100)


def test_verified_skill_badges(user, other_user, make_test, django_assert_num_queries):
    # given the user passed one test and failed another
    passed_test = make_test(slug="vt-a")
    failed_test = make_test(slug="vt-b")
    attempt = services.attempt_start(user=user, test_id=passed_test.pk)
    services.attempt_submit(
        user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=4)
    )
    attempt = services.attempt_start(user=user, test_id=failed_test.pk)
    services.attempt_submit(
        user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=0)
    )
    # then only the passed skill is verified
    assert selectors.verified_skill_ids(user_id=user.pk) == {passed_test.skill_id}
    assert selectors.verified_skill_ids(user_id=other_user.pk) == set()
    with django_assert_num_queries(1):
        by_user = selectors.verified_skills_by_user(user_ids=[user.pk, other_user.pk])
    assert by_user == {user.pk: {passed_test.skill_id}}


def test_overview_is_two_queries_whatever_the_number_of_tests(
    user, make_test, django_assert_num_queries
):
    for number in range(5):
        test = make_test(slug=f"vt-{number}")
        if number < 2:
            attempt = services.attempt_start(user=user, test_id=test.pk)
            services.attempt_submit(
                user=user, attempt_id=attempt.pk, answers=answers_for(attempt, correct=4)
            )
    with django_assert_num_queries(2):
        states = selectors.skill_tests_for(user=user)
    assert [s.state for s in states].count("passed") == 2
    assert [s.state for s in states].count("available") == 3
