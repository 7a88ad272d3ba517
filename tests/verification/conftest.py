"""Fixtures for verification tests: document photos, submissions, skills and question banks."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from jiedan.taxonomy.models import Category, Skill
from jiedan.verification import services
from jiedan.verification.models import DocumentType, SkillTest, SkillTestAttempt

VALID_ID = "11010519491231002X"  # the GB 11643 standard's own example
REAL_NAME = "张三丰"


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def document():
    def make(name="身份证 张三丰.png", content=None):
        return SimpleUploadedFile(name, content or png_bytes(), content_type="image/png")

    return make


@pytest.fixture
def submit(document):
    def make(user, **overrides):
        fields = {
            "document_type": DocumentType.CN_RESIDENT_ID,
            "real_name": REAL_NAME,
            "id_number": VALID_ID,
            "document": document(),
        }
        return services.identity_submit(user=user, **{**fields, **overrides})

    return make


@pytest.fixture
def submission(user, submit):
    return submit(user)


@pytest.fixture
def signed_in():
    def make(person):
        client = Client()
        client.force_login(person)
        return client

    return make


@pytest.fixture
def category(db):
    return Category.objects.create(slug="vt-dev", name_zh="开发", name_en="Development")


@pytest.fixture
def make_test(category):
    """A test with ``bank`` questions of three choices each (the first choice is correct)."""

    def make(slug="vt-python", bank=6, per_attempt=4, **options):
        skill = Skill.objects.create(
            slug=slug, category=category, name_zh=f"技能{slug}", name_en=f"Skill {slug}"
        )
        test = SkillTest.objects.create(
            skill=skill,
            pass_percent=options.pop("pass_percent", 75),
            time_limit_minutes=options.pop("time_limit_minutes", 10),
            questions_per_attempt=per_attempt,
            cooldown_days=options.pop("cooldown_days", 7),
            **options,
        )
        for number in range(bank):
            question = test.questions.create(
                key=f"q{number}", text_zh=f"问题{number}？", text_en=f"Question {number}?"
            )
            for position in range(3):
                question.choices.create(
                    position=position,
                    text_zh=f"答案{number}-{position}",
                    text_en=f"Answer {number}-{position}",
                    is_correct=position == 0,
                )
        return test

    return make


@pytest.fixture
def skill_test(make_test):
    return make_test()


def answers_for(attempt: SkillTestAttempt, *, correct: int) -> list[services.Answer]:
    """Answers for every drawn question, the first ``correct`` of them right."""
    answers = []
    for number, row in enumerate(attempt.drawn.select_related("question").order_by("position")):
        choices = list(row.question.choices.order_by("position"))
        pick = choices[0] if number < correct else choices[1]
        answers.append(services.Answer(question_id=row.question_id, choice_id=pick.pk))
    return answers


def move_clock_back(attempt: SkillTestAttempt, *, seconds: int) -> None:
    """Pretend the attempt started ``seconds`` earlier (shifts start, deadline and end)."""
    delta = timedelta(seconds=seconds)
    SkillTestAttempt.objects.filter(pk=attempt.pk).update(
        started_at=attempt.started_at - delta, deadline=attempt.deadline - delta
    )
    attempt.refresh_from_db()


def age_finished(attempt: SkillTestAttempt, *, days: float) -> None:
    """Pretend a finished attempt ended ``days`` earlier."""
    attempt.refresh_from_db()
    delta = timedelta(days=days)
    SkillTestAttempt.objects.filter(pk=attempt.pk).update(
        started_at=attempt.started_at - delta,
        deadline=attempt.deadline - delta,
        finished_at=attempt.finished_at - delta,
    )
