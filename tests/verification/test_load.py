"""``manage.py skilltests_load``: the shipped banks, matched to skills by slug, idempotent."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from jiedan.core.errors import InvalidInput
from jiedan.taxonomy.models import Skill
from jiedan.verification.models import SkillTest, SkillTestQuestion
from jiedan.verification.services import skill_test_bank_load

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "src/jiedan/verification/data/skilltests.json"


def test_shipped_banks_are_bilingual_with_one_correct_answer_each():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert len(data["tests"]) >= 4
    for test in data["tests"]:
        assert len(test["questions"]) >= max(8, test["questions_per_attempt"])
        for question in test["questions"]:
            assert question["zh"] and question["en"]
            assert sum(choice["correct"] for choice in question["choices"]) == 1
            assert all(choice["zh"] and choice["en"] for choice in question["choices"])


def _make_skills(category, slugs):
    for slug in slugs:
        Skill.objects.get_or_create(
            slug=slug, defaults={"category": category, "name_zh": slug, "name_en": slug}
        )


def test_load_maps_by_slug_and_skips_missing_skills(category):
    # given only two of the skills the banks name
    data = json.loads(DATA.read_text(encoding="utf-8"))
    slugs = [t["skill"] for t in data["tests"]]
    _make_skills(category, slugs[:2])
    Skill.objects.filter(slug__in=slugs[2:]).delete()
    # when loading
    out, err = io.StringIO(), io.StringIO()
    call_command("skilltests_load", stdout=out, stderr=err)
    # then those two get tests and the others are reported
    assert set(SkillTest.objects.values_list("skill__slug", flat=True)) == set(slugs[:2])
    for slug in slugs[2:]:
        assert slug in err.getvalue()


def test_loading_twice_changes_nothing(category):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    _make_skills(category, [t["skill"] for t in data["tests"]])
    call_command("skilltests_load", stdout=io.StringIO(), stderr=io.StringIO())
    before = list(SkillTestQuestion.objects.order_by("pk").values())
    call_command("skilltests_load", stdout=io.StringIO(), stderr=io.StringIO())
    assert list(SkillTestQuestion.objects.order_by("pk").values()) == before
    total = sum(len(t["questions"]) for t in data["tests"])
    assert SkillTestQuestion.objects.filter(is_active=True).count() == total


def test_questions_dropped_from_the_file_are_retired(category):
    _make_skills(category, ["vt-x"])
    question = {
        "key": "k1",
        "zh": "问？",
        "en": "Q?",
        "choices": [{"zh": "是", "en": "Yes", "correct": True}, {"zh": "否", "en": "No"}],
    }
    spec = {
        "skill": "vt-x",
        "pass_percent": 70,
        "time_limit_minutes": 5,
        "questions_per_attempt": 1,
        "cooldown_days": 1,
    }
    skill_test_bank_load(
        data={"tests": [{**spec, "questions": [question, {**question, "key": "k2"}]}]}
    )
    report = skill_test_bank_load(data={"tests": [{**spec, "questions": [question]}]})
    assert report.retired_questions == 1
    assert list(SkillTestQuestion.objects.filter(is_active=True).values_list("key", flat=True)) == [
        "k1"
    ]


def test_a_question_without_exactly_one_correct_answer_loads_nothing(category):
    _make_skills(category, ["vt-x"])
    bad = {
        "key": "k1",
        "zh": "问？",
        "en": "Q?",
        "choices": [
            {"zh": "是", "en": "Yes", "correct": True},
            {"zh": "否", "en": "No", "correct": True},
        ],
    }
    spec = {
        "skill": "vt-x",
        "pass_percent": 70,
        "time_limit_minutes": 5,
        "questions_per_attempt": 1,
        "cooldown_days": 1,
        "questions": [bad],
    }
    with pytest.raises(InvalidInput):
        skill_test_bank_load(data={"tests": [spec]})
    assert not SkillTest.objects.exists()


def test_every_bank_names_a_skill_of_the_shipped_taxonomy():
    taxonomy = DATA.parents[2] / "taxonomy" / "data" / "taxonomy.json"
    if not taxonomy.exists():
        pytest.skip("the taxonomy data is not shipped yet")
    slugs = {skill["slug"] for skill in json.loads(taxonomy.read_text(encoding="utf-8"))["skills"]}
    banks = json.loads(DATA.read_text(encoding="utf-8"))["tests"]
    assert {test["skill"] for test in banks} <= slugs
