"""The shipped taxonomy: what the migration loaded, and what a reload may and may not change."""

import re

import pytest
from django.core.management import CommandError, call_command

from jiedan.taxonomy.loading import TaxonomyDataError, taxonomy_problems
from jiedan.taxonomy.models import Category, Skill, SkillAlias
from jiedan.taxonomy.services import taxonomy_load
from jiedan.taxonomy.text import normalize_term
from tests.taxonomy.conftest import skill, taxonomy_snapshot

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
LOCAL_SERVICES = {"home-services", "repair", "photography", "fitness-beauty", "events"}

pytestmark = pytest.mark.django_db


# --- The file ---------------------------------------------------------------------------------


def test_the_shipped_file_is_valid_and_large_enough(shipped_data):
    # given the file as shipped
    # then nothing in it is wrong, and it covers the marketplace
    assert taxonomy_problems(shipped_data) == []
    assert 12 <= len(shipped_data["categories"]) <= 16
    assert 120 <= len(shipped_data["skills"]) <= 200
    for row in shipped_data["skills"]:
        assert 2 <= len(row["aliases"]) <= 10, row["slug"]


def test_every_skill_has_aliases_in_both_languages(shipped_data):
    # then someone typing Chinese and someone typing English both have more than the name
    for row in shipped_data["skills"]:
        assert any(CJK.search(a) for a in row["aliases"]), row["slug"]
        assert any(not CJK.search(a) for a in row["aliases"]), row["slug"]


# --- What the migration loaded ----------------------------------------------------------------


def test_the_migration_loaded_every_row_of_the_file(shipped_data):
    # then every category, skill and alias of the file is in the database
    assert Category.objects.count() == len(shipped_data["categories"])
    assert Skill.objects.filter(is_active=True).count() == len(shipped_data["skills"])
    expected_aliases = {
        (row["slug"], normalize_term(alias))
        for row in shipped_data["skills"]
        for alias in row["aliases"]
    }
    assert set(SkillAlias.objects.values_list("skill__slug", "text")) == expected_aliases


def test_every_row_is_named_in_both_languages():
    # then each name_zh is Chinese and each name_en is English
    for row in [*Category.objects.all(), *Skill.objects.all()]:
        assert CJK.search(row.name_zh), row.slug
        assert LATIN.search(row.name_en), row.slug
        assert not CJK.search(row.name_en), row.slug


def test_every_category_has_skills():
    empty = Category.objects.filter(skills__isnull=True).values_list("slug", flat=True)
    assert list(empty) == []
    assert all(c.skills.count() >= 5 for c in Category.objects.all())


def test_local_service_categories_are_flagged():
    flagged = set(Category.objects.filter(is_local_service=True).values_list("slug", flat=True))
    assert flagged == LOCAL_SERVICES


def test_related_skills_exist_and_are_mutual(shipped_data):
    # then each related slug of the file became a relation, stored both ways
    for row in shipped_data["skills"]:
        related = set(skill(row["slug"]).related.values_list("slug", flat=True))
        assert set(row["related"]) <= related, row["slug"]
    pairs = set(Skill.related.through.objects.values_list("from_skill_id", "to_skill_id"))
    assert all((b, a) in pairs for a, b in pairs)


def test_categories_have_distinct_positions():
    positions = list(Category.objects.values_list("position", flat=True))
    assert len(set(positions)) == len(positions)


# --- Reloading --------------------------------------------------------------------------------


def test_loading_again_changes_nothing(django_assert_max_num_queries):
    # given the database as the migration left it
    before = taxonomy_snapshot()
    # when the taxonomy is loaded again, twice
    with django_assert_max_num_queries(12):
        first = taxonomy_load()
    second = taxonomy_load()
    # then neither load changed a row, not even a timestamp
    assert not first.changed
    assert not second.changed
    assert taxonomy_snapshot() == before


def test_a_load_into_empty_tables_creates_everything(shipped_data, django_assert_max_num_queries):
    # given empty taxonomy tables
    SkillAlias.objects.all().delete()
    Skill.related.through.objects.all().delete()
    Skill.objects.all().delete()
    Category.objects.all().delete()
    # when the file is loaded: bulk reads and writes (SQLite splits inserts into batches of
    # 999 parameters, hence a few more than on PostgreSQL)
    with django_assert_max_num_queries(24):
        report = taxonomy_load(data=shipped_data)
    # then the report counts what the file holds
    assert report.categories_created == len(shipped_data["categories"])
    assert report.skills_created == len(shipped_data["skills"])
    assert report.aliases_added == sum(len(row["aliases"]) for row in shipped_data["skills"])
    assert report.relations_added == len(
        {
            frozenset((row["slug"], other))
            for row in shipped_data["skills"]
            for other in row["related"]
        }
    )
    assert Skill.objects.count() == len(shipped_data["skills"])


def test_a_load_restores_names_but_keeps_what_admins_added():
    # given an admin renamed a shipped skill, added an alias, a relation, and deactivated another
    website = skill("website-development")
    website.name_en = "Sites"
    website.save()
    website.aliases.create(text="官网定制")
    website.related.add(skill("seo"))
    logo = skill("logo-design")
    logo.is_active = False
    logo.save()
    # when the taxonomy is loaded
    report = taxonomy_load()
    # then the shipped name is back, and the admin's alias, relation and deactivation stay
    assert report.skills_updated == 1
    assert report.aliases_added == 0
    website.refresh_from_db()
    assert website.name_en == "Website development"
    assert website.aliases.filter(text="官网定制").exists()
    assert website.related.filter(slug="seo").exists()
    assert not skill("logo-design").is_active


def test_a_load_adds_new_rows_from_the_file(data):
    # given a file with a new skill, a new alias on an old one and a new relation
    data["skills"].append(
        {
            "slug": "mahjong-lessons",
            "category": "education",
            "name_zh": "麻将教学",
            "name_en": "Mahjong lessons",
            "aliases": ["学麻将", "mahjong tutor"],
            "related": ["music-lessons"],
        }
    )
    data["skills"][0]["aliases"].append("标志制作")
    # when it is loaded
    report = taxonomy_load(data=data)
    # then exactly those rows are added
    assert (report.skills_created, report.aliases_added, report.relations_added) == (1, 3, 1)
    assert skill("mahjong-lessons").related.filter(slug="music-lessons").exists()
    assert skill("music-lessons").related.filter(slug="mahjong-lessons").exists()
    assert skill(data["skills"][0]["slug"]).aliases.filter(text="标志制作").exists()


def test_a_retired_skill_is_deactivated_not_deleted(data):
    # given a file that retires a skill
    retired = data["skills"].pop()
    data["skills"] = [
        {**row, "related": [r for r in row["related"] if r != retired["slug"]]}
        for row in data["skills"]
    ]
    data["retired"] = [retired["slug"]]
    # when it is loaded
    report = taxonomy_load(data=data)
    # then the skill is kept, inactive, with its aliases
    assert report.skills_retired == 1
    row = skill(retired["slug"])
    assert not row.is_active
    assert row.aliases.count() == len(retired["aliases"])


def test_a_skill_missing_from_the_file_is_left_alone(data):
    # given a skill an admin created, which the file does not know
    extra = Skill.objects.create(
        slug="kite-design",
        category=Category.objects.get(slug="design"),
        name_zh="风筝设计",
        name_en="Kite design",
    )
    # when the taxonomy is loaded
    taxonomy_load(data=data)
    # then it is still there and active
    extra.refresh_from_db()
    assert extra.is_active


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["skills"][0].update(category="nowhere"), "unknown category"),
        (lambda d: d["skills"][0].update(name_en=""), "has no name_en"),
        (lambda d: d["skills"][0]["related"].append("no-such-skill"), "relates to unknown"),
        (lambda d: d["skills"][0]["aliases"].append("x" * 81), "too long alias"),
        (lambda d: d["skills"].append(dict(d["skills"][0])), "appears twice"),
        (lambda d: d["categories"][0].update(slug="Not A Slug"), "is not a slug"),
    ],
)
def test_invalid_data_is_refused_and_changes_nothing(data, change, problem):
    # given a file with one mistake, and a new skill that would otherwise be created
    data["skills"].append(
        {
            "slug": "new-one",
            "category": "design",
            "name_zh": "新",
            "name_en": "New",
            "aliases": [],
            "related": [],
        }
    )
    change(data)
    before = taxonomy_snapshot()
    # when it is loaded
    with pytest.raises(TaxonomyDataError) as raised:
        taxonomy_load(data=data)
    # then the mistake is named and nothing was written
    assert any(problem in p for p in raised.value.problems), raised.value.problems
    assert raised.value.status == 422
    assert taxonomy_snapshot() == before


# --- The command ------------------------------------------------------------------------------


def test_the_command_reports_an_up_to_date_taxonomy(capsys):
    call_command("taxonomy_load")
    assert "nothing changed" in capsys.readouterr().out


def test_the_command_restores_an_edited_name(capsys):
    # given an edited shipped name
    Skill.objects.filter(slug="moving").update(name_zh="搬运")
    # when the command runs
    call_command("taxonomy_load")
    # then the name is back and the change reported
    assert skill("moving").name_zh == "搬家"
    assert "skills updated: 1" in capsys.readouterr().out


def test_a_dry_run_reports_but_writes_nothing(capsys):
    # given an edited shipped name
    Skill.objects.filter(slug="moving").update(name_zh="搬运")
    before = taxonomy_snapshot()
    # when the command runs as a dry run
    call_command("taxonomy_load", "--dry-run")
    # then it says what would change and changes nothing
    assert "Would change" in capsys.readouterr().out
    assert taxonomy_snapshot() == before


def test_the_command_refuses_an_invalid_file(tmp_path):
    # given a file with a skill in an unknown category
    path = tmp_path / "taxonomy.json"
    path.write_text(
        '{"categories": [], "skills": [{"slug": "a", "category": "b", "name_zh": "甲",'
        ' "name_en": "A", "aliases": [], "related": []}]}',
        encoding="utf-8",
    )
    before = taxonomy_snapshot()
    # when the command loads it
    with pytest.raises(CommandError, match="unknown category"):
        call_command("taxonomy_load", "--file", str(path))
    # then nothing changed
    assert taxonomy_snapshot() == before


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("taxonomy_load", "--file", str(tmp_path / "missing.json"))
