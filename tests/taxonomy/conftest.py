import copy

import pytest

from jiedan.taxonomy.loading import read_taxonomy_file
from jiedan.taxonomy.models import Category, Skill, SkillAlias

API = "/api/v1/taxonomy"


@pytest.fixture(scope="session")
def shipped_data() -> dict:
    return read_taxonomy_file()


@pytest.fixture
def data(shipped_data) -> dict:
    """A private copy of the shipped file, for tests that change it."""
    return copy.deepcopy(shipped_data)


def skill(slug: str) -> Skill:
    return Skill.objects.get(slug=slug)


def taxonomy_snapshot() -> dict:
    """Everything a load could change, to compare before and after."""
    return {
        "categories": list(Category.objects.order_by("id").values()),
        "skills": list(Skill.objects.order_by("id").values()),
        "aliases": list(SkillAlias.objects.order_by("id").values()),
        "related": sorted(
            Skill.related.through.objects.values_list("from_skill_id", "to_skill_id")
        ),
    }
