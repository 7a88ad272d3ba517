"""Loading the shipped taxonomy (``data/taxonomy.json``) into the database.

One function, ``apply_taxonomy``, does the work for both callers: the service
``services.taxonomy_load`` (and through it ``manage.py taxonomy_load``) passes the live models,
and the data migration ``0002_load_taxonomy`` passes the historical ones from
``apps.get_model``. It therefore touches only what exists at that migration (the columns of
``Category``, ``Skill``, ``SkillAlias`` and the ``Skill.related`` table) and imports no model.
If a later migration renames or drops one of those, copy this module into the migration first
so that old migrations keep running on a fresh database.

What a load does, upserting by slug (the file is the source of truth for what it names):

- categories in the file are created, or their names, position and local-service flag are
  overwritten;
- skills in the file are created (active), or their names and category are overwritten; an
  existing skill's ``is_active`` is left as an admin set it;
- aliases and related skills listed in the file are added when missing; ones added by admins
  are kept, so removing an alias from the file does not remove it from the database (remove
  it in the admin too);
- slugs listed under ``retired`` are deactivated, never deleted: profiles, services and
  projects keep pointing at them. Rows absent from the file (created by admins) are untouched;
- nothing is ever deleted.

Running it twice changes nothing the second time: every count in the report is zero.
"""

import json
import re
from dataclasses import dataclass, fields
from pathlib import Path

from django.db import models
from django.utils import timezone

from jiedan.core.errors import InvalidInput

from .text import ALIAS_MAX_LENGTH, normalize_term

DATA_FILE = Path(__file__).resolve().parent / "data" / "taxonomy.json"

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CATEGORY_FIELDS = ("name_zh", "name_en", "position", "is_local_service")
_SKILL_FIELDS = ("name_zh", "name_en", "category_id")


@dataclass
class LoadReport:
    """What one load changed. Every count is zero when the database already matched the file."""

    categories_created: int = 0
    categories_updated: int = 0
    skills_created: int = 0
    skills_updated: int = 0
    skills_retired: int = 0
    aliases_added: int = 0
    relations_added: int = 0

    @property
    def changed(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def __str__(self) -> str:
        counts = (f"{f.name.replace('_', ' ')}: {getattr(self, f.name)}" for f in fields(self))
        return ", ".join(counts)


class TaxonomyDataError(InvalidInput):
    code = "taxonomy_data_invalid"

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "; ".join(problems[:10]) + ("; …" if len(problems) > 10 else "")
        super().__init__(f"The taxonomy data is not valid: {shown}")


def read_taxonomy_file(path: Path | str = DATA_FILE) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def taxonomy_problems(data: dict) -> list[str]:
    """Everything wrong with ``data``; empty when it can be loaded.

    Rules: slugs are unique and lower-case-with-hyphens; every category and skill has both a
    Chinese and an English name; a skill names a category of the file; aliases are non-empty,
    at most 80 characters once normalised, not repeated and not equal to the skill's own names;
    related slugs exist in the file and are not the skill itself.
    """
    problems: list[str] = []
    categories = data.get("categories") or []
    skills = data.get("skills") or []
    if not isinstance(categories, list) or not isinstance(skills, list):
        return ["categories and skills must be lists"]
    category_slugs: set[str] = set()
    for category in categories:
        slug = category.get("slug", "")
        if not _SLUG.match(str(slug)):
            problems.append(f"category slug {slug!r} is not a slug")
        if slug in category_slugs:
            problems.append(f"category {slug} appears twice")
        category_slugs.add(slug)
        for name in ("name_zh", "name_en"):
            if not str(category.get(name, "")).strip():
                problems.append(f"category {slug} has no {name}")
    skill_slugs = {s.get("slug") for s in skills}
    seen: set[str] = set()
    for skill in skills:
        slug = skill.get("slug", "")
        if not _SLUG.match(str(slug)):
            problems.append(f"skill slug {slug!r} is not a slug")
        if slug in seen:
            problems.append(f"skill {slug} appears twice")
        seen.add(slug)
        if skill.get("category") not in category_slugs:
            problems.append(f"skill {slug} names unknown category {skill.get('category')!r}")
        for name in ("name_zh", "name_en"):
            if not str(skill.get(name, "")).strip():
                problems.append(f"skill {slug} has no {name}")
        names = {normalize_term(skill.get("name_zh", "")), normalize_term(skill.get("name_en", ""))}
        aliases = [normalize_term(a) for a in skill.get("aliases", [])]
        for alias in aliases:
            if not alias or len(alias) > ALIAS_MAX_LENGTH:
                problems.append(f"skill {slug} has an empty or too long alias {alias!r}")
            if alias in names:
                problems.append(f"skill {slug} repeats its own name as alias {alias!r}")
        if len(set(aliases)) != len(aliases):
            problems.append(f"skill {slug} lists an alias twice")
        for other in skill.get("related", []):
            if other not in skill_slugs or other == slug:
                problems.append(f"skill {slug} relates to unknown or itself {other!r}")
    for slug in data.get("retired") or []:
        if slug in skill_slugs:
            problems.append(f"skill {slug} is both listed and retired")
    return problems


def apply_taxonomy(
    data: dict,
    *,
    category_model: type[models.Model],
    skill_model: type[models.Model],
    alias_model: type[models.Model],
) -> LoadReport:
    """Upsert ``data`` through the given model classes (live or historical); see the module
    docstring for what is overwritten. The caller provides the transaction. A bounded number
    of queries whatever the size of the file (bulk reads and writes)."""
    if problems := taxonomy_problems(data):
        raise TaxonomyDataError(problems)
    report = LoadReport()
    now = timezone.now()

    # Categories
    categories = {c.slug: c for c in category_model.objects.all()}
    new, changed = [], []
    for row in data["categories"]:
        values = {
            "name_zh": row["name_zh"].strip(),
            "name_en": row["name_en"].strip(),
            "position": int(row.get("position", 0)),
            "is_local_service": bool(row.get("is_local_service", False)),
        }
        category = categories.get(row["slug"])
        if category is None:
            new.append(category_model(slug=row["slug"], **values))
        elif _assign(category, values):
            category.updated_at = now
            changed.append(category)
    category_model.objects.bulk_create(new)
    category_model.objects.bulk_update(changed, [*_CATEGORY_FIELDS, "updated_at"])
    report.categories_created, report.categories_updated = len(new), len(changed)
    category_ids = dict(category_model.objects.values_list("slug", "id"))

    # Skills
    skills = {s.slug: s for s in skill_model.objects.all()}
    new, changed = [], []
    for row in data["skills"]:
        values = {
            "name_zh": row["name_zh"].strip(),
            "name_en": row["name_en"].strip(),
            "category_id": category_ids[row["category"]],
        }
        skill = skills.get(row["slug"])
        if skill is None:
            new.append(skill_model(slug=row["slug"], is_active=True, **values))
        elif _assign(skill, values):
            skill.updated_at = now
            changed.append(skill)
    skill_model.objects.bulk_create(new)
    skill_model.objects.bulk_update(changed, [*_SKILL_FIELDS, "updated_at"])
    report.skills_created, report.skills_updated = len(new), len(changed)
    if retired := data.get("retired"):
        report.skills_retired = skill_model.objects.filter(slug__in=retired, is_active=True).update(
            is_active=False, updated_at=now
        )
    skill_ids = dict(
        skill_model.objects.filter(slug__in=[s["slug"] for s in data["skills"]]).values_list(
            "slug", "id"
        )
    )

    # Aliases: add the missing ones, keep the rest.
    existing = set(
        alias_model.objects.filter(skill_id__in=skill_ids.values()).values_list("skill_id", "text")
    )
    wanted = {
        (skill_ids[row["slug"]], normalize_term(alias))
        for row in data["skills"]
        for alias in row.get("aliases", [])
    }
    missing = sorted(wanted - existing)
    alias_model.objects.bulk_create(alias_model(skill_id=s, text=t) for s, t in missing)
    report.aliases_added = len(missing)

    # Related skills: symmetrical, so each pair is stored in both directions.
    through = skill_model.related.through
    existing = set(through.objects.values_list("from_skill_id", "to_skill_id"))
    wanted = set()
    for row in data["skills"]:
        for other in row.get("related", []):
            a, b = skill_ids[row["slug"]], skill_ids[other]
            wanted |= {(a, b), (b, a)}
    missing = sorted(wanted - existing)
    through.objects.bulk_create(through(from_skill_id=a, to_skill_id=b) for a, b in missing)
    report.relations_added = len({frozenset(pair) for pair in missing})
    if missing:
        # The relation table has no timestamp; touch the skills so the change is visible.
        touched = {a for a, _ in missing}
        skill_model.objects.filter(id__in=touched).update(updated_at=now)
    return report


def _assign(instance, values: dict) -> bool:
    """Set ``values`` on ``instance``; whether anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed
