"""Reads of the taxonomy: categories with their skills, skills of a category, and (from
``lookup``) free text → skills."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotFound

from .lookup import SkillMatch, lookup_query_clean, skills_for_text, taxonomy_index
from .models import Category, Skill

__all__ = [
    "SkillMatch",
    "category_list",
    "lookup_query_clean",
    "skill_list",
    "skills_for_text",
    "taxonomy_index",
]


def category_list(*, with_empty: bool = False) -> QuerySet[Category]:
    """Categories in display order, each with ``active_skills`` (a list, taxonomy order):
    two queries however many there are. Categories without an active skill are left out
    unless ``with_empty``."""
    categories = Category.objects.annotate(
        active_skill_count=Count("skills", filter=Q(skills__is_active=True))
    ).prefetch_related(
        Prefetch(
            "skills",
            queryset=Skill.objects.filter(is_active=True).order_by("id"),
            to_attr="active_skills",
        )
    )
    if not with_empty:
        categories = categories.filter(active_skill_count__gt=0)
    return categories.order_by("position", "id")


def skill_list(*, category_slug: str | None = None) -> QuerySet[Skill]:
    """Active skills in taxonomy order, with their category, aliases and active related
    skills loaded (three queries). An unknown ``category_slug`` is ``NotFound``."""
    skills = Skill.objects.filter(is_active=True)
    if category_slug:
        if not Category.objects.filter(slug=category_slug).exists():
            raise NotFound(_("No such category."), code="category_not_found")
        skills = skills.filter(category__slug=category_slug)
    return (
        skills.select_related("category")
        .prefetch_related(
            "aliases",
            Prefetch(
                "related",
                queryset=Skill.objects.filter(is_active=True).only("id", "slug").order_by("id"),
            ),
        )
        .order_by("category__position", "category_id", "id")
    )
