"""Writes to the taxonomy: loading the shipped file and adding aliases.

The lookup index notices every committed change by itself (see ``lookup.py``), so these
services do not need to announce anything.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import InvalidInput, NotFound

from .loading import LoadReport, apply_taxonomy, read_taxonomy_file
from .models import Category, Skill, SkillAlias
from .text import ALIAS_MAX_LENGTH, normalize_term


@transaction.atomic
def taxonomy_load(*, data: dict | None = None) -> LoadReport:
    """Upsert the taxonomy from ``data`` (default: the shipped ``data/taxonomy.json``).

    Idempotent, all or nothing: invalid data raises ``TaxonomyDataError`` (an
    ``InvalidInput``) before anything is written. What is overwritten and what is kept is
    described in ``loading``: names, positions and categories come from the file; aliases and
    relations are only added; skills are never deleted, only deactivated when listed under
    ``retired``; rows created by admins and absent from the file are left alone.
    """
    if data is None:
        data = read_taxonomy_file()
    return apply_taxonomy(data, category_model=Category, skill_model=Skill, alias_model=SkillAlias)


@transaction.atomic
def skill_alias_add(*, skill_id: int, text: str) -> SkillAlias:
    """Teach the lookup another way people say a skill.

    The alias is stored normalised (``normalize_term``); adding one the skill already has
    returns the existing row. Empty or longer than 80 characters: ``InvalidInput``.
    """
    normalized = normalize_term(text)
    if not normalized:
        raise InvalidInput(_("An alias cannot be empty."), code="alias_empty")
    if len(normalized) > ALIAS_MAX_LENGTH:
        raise InvalidInput(
            _("An alias can be at most %(max)s characters long.") % {"max": ALIAS_MAX_LENGTH},
            code="alias_too_long",
        )
    skill = Skill.objects.select_for_update().filter(pk=skill_id).first()
    if skill is None:
        raise NotFound(_("No such skill."), code="skill_not_found")
    alias, _created = SkillAlias.objects.get_or_create(skill=skill, text=normalized)
    return alias
