"""Public taxonomy API: categories with their skills, skills, and free-text lookup.

Names come in both languages (``name_zh``, ``name_en``) and in the caller's (``name``).
"""

from ninja import Query, Router

from . import selectors
from .lookup import DEFAULT_LIMIT, MAX_LIMIT
from .schemas import CategoryOut, LookupOut, SkillOut

router = Router(tags=["taxonomy"])


def _brief(skill) -> dict:
    return {
        "slug": skill.slug,
        "name": skill.name,
        "name_zh": skill.name_zh,
        "name_en": skill.name_en,
    }


@router.get("/categories", response=list[CategoryOut], auth=None)
def category_list(request):
    """Every category that has active skills, in display order, with those skills."""
    return [
        {
            **_brief(category),
            "position": category.position,
            "is_local_service": category.is_local_service,
            "skills": [_brief(skill) for skill in category.active_skills],
        }
        for category in selectors.category_list()
    ]


@router.get("/skills", response=list[SkillOut], auth=None)
def skill_list(request, category: str | None = None):
    """Active skills, optionally of one category (by slug; unknown: 404)."""
    return [
        {
            **_brief(skill),
            "category": skill.category.slug,
            "aliases": sorted(alias.text for alias in skill.aliases.all()),
            "related": [other.slug for other in skill.related.all()],
        }
        for skill in selectors.skill_list(category_slug=category)
    ]


@router.get("/lookup", response=LookupOut, auth=None)
def lookup(request, q: str = "", limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)):
    """Skills that free text (Chinese or English) talks about, best first. ``q`` holds 1–200
    characters; otherwise 422 ``query_empty`` / ``query_too_long``."""
    text = selectors.lookup_query_clean(q)
    matches = selectors.skills_for_text(text=text, limit=limit)
    return {
        "query": text,
        "results": [
            {
                **_brief(m),
                "category": m.category_slug,
                "score": m.score,
                "term": m.term,
                "exact": m.exact,
            }
            for m in matches
        ],
    }
