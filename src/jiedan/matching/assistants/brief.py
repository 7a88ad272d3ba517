"""Brief builder: from a need in free text (Chinese or English) to a structured brief the
client edits before posting — title, category, skills, deliverables checklist, milestone
split, budget range and timeline.

Two halves with a seam between them:

- A *provider* drafts the structure from the words: ``BriefProvider.draft(need=…,
  language=…) -> BriefDraft``. ``JIEDAN_BRIEF_PROVIDER`` names it by dotted path (a class,
  instantiated once per process). The default, ``RulesBriefProvider``, calls no outside
  service: skills from the taxonomy lookup, the category they belong to (or the category
  nearest in meaning when no skill is named), the checklists and splits of ``checklists``, and
  the features the need lists ("有产品展示和在线留言" → 产品展示, 在线留言). A provider backed
  by a language model implements the same method; it must return plain data, may leave out
  what it does not know, and is never trusted with figures.
- ``brief_propose`` checks the draft against the data: unknown category or skill slugs are
  dropped, a split that does not add up to 100 % falls back to the category's. Money and
  time come only from the platform's own records: the budget range is the pricing
  suggestion of comparable deals (nothing when there are too few), the timeline their
  duration quartiles, else the category's usual days; milestone amounts appear when a budget
  is known (the client's, else the comparables' median).
"""

import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jiedan.core.money import money_quantize
from jiedan.ledger.fees import shares_split
from jiedan.projects.models import Duration
from jiedan.taxonomy.lookup import skills_for_text
from jiedan.taxonomy.models import Category, Skill

from ..encoders import text_encoder
from .checklists import deliverables_for, work_kind
from .pricing import PriceSuggestion, pricing_suggestion

NEED_MAX_CHARS = 2000
TITLE_MAX_CHARS = 80
MAX_SKILLS = 5
MAX_FEATURES = 8
SKILL_SHARE_OF_BEST = 0.5  # skills scoring under half the best one are left out


@dataclass(frozen=True)
class BriefDraft:
    """What a provider proposes; everything optional but the title."""

    title: str
    category_slug: str | None = None
    skill_slugs: list[str] = field(default_factory=list)
    deliverables: list[str] = field(default_factory=list)
    milestones: list[tuple[str, int]] = field(default_factory=list)  # (title, percent)
    days: int | None = None  # typical duration, when the provider knows it


class BriefProvider:
    """The interface of a brief provider (documented here; implementations need not
    inherit from it)."""

    def draft(self, *, need: str, language: str) -> BriefDraft:
        """The brief's structure for ``need``, its texts in ``language`` ("zh-hans", "en")."""
        raise NotImplementedError


@dataclass(frozen=True)
class BriefMilestone:
    title: str
    percent: int
    amount: Decimal | None = None


@dataclass(frozen=True)
class Brief:
    need: str
    title: str
    category: Category | None
    skills: list[Skill]
    deliverables: list[str]
    milestones: list[BriefMilestone]
    currency: str
    budget: Decimal | None  # what the milestone amounts split: the client's or the median
    budget_given: bool  # the client said their budget
    pricing: PriceSuggestion | None
    days_low: int
    days_typical: int
    days_high: int
    timeline_from_deals: bool

    @property
    def expected_duration(self) -> str:
        """The project form's duration choice for the typical number of days."""
        if self.days_typical < 7:
            return Duration.UNDER_WEEK
        if self.days_typical <= 28:
            return Duration.WEEKS
        if self.days_typical <= 92:
            return Duration.MONTHS
        return Duration.LONG


# --- the rules provider ---------------------------------------------------------------------

_CLAUSES = re.compile(r"[。！？!?\n；;，,]+|(?<=[a-z])\.\s+", re.IGNORECASE)
_ZH_LEAD = re.compile(
    r"^(?:我们|我|本公司|公司)?(?:急需|需要|想要|想找|想|要|求|找人|找个|寻找|帮我|请|麻烦)*"
    r"(?:做个|做一个|做|弄个|搞个|开发个|开发一个)?"
)
_EN_LEAD = re.compile(
    r"^(?:hi,?\s+)?(?:i|we)\s+(?:need|want|would like|am looking for|are looking for)\s+"
    r"(?:someone to\s+|somebody to\s+|to\s+)?(?:an?\s+|the\s+)?"
    r"|^(?:looking for|need)\s+(?:an?\s+)?",
    re.IGNORECASE,
)
_EN_WITH = re.compile(r"\s+(?:with|including|that has|which has)\s+", re.IGNORECASE)
_FEATURE_LEAD = re.compile(
    r"^(?:还要|还需要|需要|要有|要|有|包括|包含|含|带|另外|以及|并且|并|and|with|including|"
    r"includes|plus|also|it should have|should have|has)\s*",
    re.IGNORECASE,
)
_FEATURE_SPLIT = re.compile(r"\s*(?:以及|和|与|及|、|/|&|\band\b)\s*", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:an?|the|some)\s+", re.IGNORECASE)


def _clauses(need: str) -> list[str]:
    return [part.strip() for part in _CLAUSES.split(need) if part.strip()]


def _without_lead(clause: str) -> str:
    stripped = _EN_LEAD.sub("", _ZH_LEAD.sub("", clause, count=1), count=1).strip()
    return stripped if len(stripped) >= 2 else clause


def need_title(need: str) -> str:
    """The first clause without "I need…" / "需要做个…": "需要做个企业网站，…" → "企业网站"."""
    clauses = _clauses(need)
    if not clauses:
        return ""
    title = _without_lead(clauses[0])
    title = title[:1].upper() + title[1:]
    return title[:TITLE_MAX_CHARS].rstrip()


def need_features(need: str) -> list[str]:
    """Things the need lists after its first clause, or after "with" in it: "有产品展示和在线
    留言" → 产品展示, 在线留言; "a website with a shop and a blog" → Shop, Blog."""
    clauses = _clauses(need)
    rest = clauses[1:]
    if clauses:
        first = _EN_WITH.split(clauses[0], maxsplit=1)
        rest = first[1:] + rest
    features: dict[str, None] = {}
    for clause in rest:
        for item in _FEATURE_SPLIT.split(_FEATURE_LEAD.sub("", clause, count=1)):
            item = _ARTICLE.sub("", item.strip())
            if 2 <= len(item) <= 30:
                features[item[:1].upper() + item[1:]] = None
    return list(features)[:MAX_FEATURES]


class _CategoryVectors:
    """Each category's vector (its names and its skills' names), per encoder and state of
    the categories, kept for the process: the fallback when a need names no skill."""

    def __init__(self):
        self._key = None
        self._slugs: list[str] = []
        self._matrix = None
        self._lock = threading.Lock()

    def nearest(self, text: str) -> str | None:
        encoder = text_encoder()
        rows = list(Category.objects.order_by("pk").values_list("pk", "slug", "updated_at"))
        key = (encoder.name, tuple(rows))
        with self._lock:
            if key != self._key:
                self._slugs, self._matrix = self._load(encoder, rows)
                self._key = key
            slugs, matrix = self._slugs, self._matrix
        if not slugs:
            return None
        scores = matrix @ encoder.queries([text])[0]
        best = int(np.argmax(scores))
        return slugs[best] if scores[best] >= encoder.related_above else None

    def _load(self, encoder, rows):
        names: dict[int, list[str]] = {pk: [] for pk, _slug, _updated in rows}
        for category in Category.objects.filter(pk__in=names):
            names[category.pk] += [category.name_zh, category.name_en]
        skills = Skill.objects.filter(is_active=True, category_id__in=names)
        for category_id, zh, en in skills.values_list("category_id", "name_zh", "name_en"):
            names[category_id] += [zh, en]
        texts = [" · ".join(names[pk]) for pk, _slug, _updated in rows]
        return [slug for _pk, slug, _updated in rows], encoder.passages(texts)


_category_vectors = _CategoryVectors()


def nearest_category_slug(text: str) -> str | None:
    """The category whose names and skills are nearest in meaning to ``text``, when near
    enough (the encoder's ``related_above``)."""
    return _category_vectors.nearest(text) if (text or "").strip() else None


class RulesBriefProvider:
    """The built-in provider: taxonomy lookup, checklists and the features the need lists."""

    def draft(self, *, need: str, language: str) -> BriefDraft:
        matches = skills_for_text(text=need)
        weights: dict[str, float] = {}
        for match in matches:
            weights[match.category_slug] = weights.get(match.category_slug, 0) + match.score
        category = max(weights, key=weights.get) if weights else nearest_category_slug(need)
        best = max((m.score for m in matches if m.category_slug == category), default=0)
        skills = [
            m.slug
            for m in matches
            if m.category_slug == category and m.score >= best * SKILL_SHARE_OF_BEST
        ][:MAX_SKILLS]
        chinese = language.startswith("zh")
        pick = 0 if chinese else 1
        kind = work_kind(category)
        feature = _("Feature: %(name)s")
        return BriefDraft(
            title=need_title(need),
            category_slug=category,
            skill_slugs=skills,
            deliverables=[feature % {"name": item} for item in need_features(need)]
            + [pair[pick] for pair in deliverables_for(category, skills)],
            milestones=[(line[pick], line[2]) for line in kind.milestones],
        )


@cache
def _provider_named(path: str):
    return import_string(path)()


def brief_provider():
    """The configured provider (one instance per process)."""
    return _provider_named(settings.JIEDAN_BRIEF_PROVIDER)


# --- the brief ------------------------------------------------------------------------------


def _checked_skills(slugs: list[str], category: Category | None) -> list[Skill]:
    found = {skill.slug: skill for skill in Skill.objects.filter(slug__in=slugs, is_active=True)}
    skills = [found[slug] for slug in dict.fromkeys(slugs) if slug in found]
    if category is not None:
        skills = [skill for skill in skills if skill.category_id == category.pk]
    return skills[:MAX_SKILLS]


def _checked_split(draft: BriefDraft, category: Category | None) -> list[tuple[str, int]]:
    """The draft's split when every line has a title and a share and they add up to 100."""
    try:
        lines = [(str(title).strip()[:200], int(percent)) for title, percent in draft.milestones]
    except (TypeError, ValueError):
        lines = []
    complete = all(title and percent > 0 for title, percent in lines)
    if complete and sum(percent for _title, percent in lines) == 100:
        return lines
    pick = 0 if get_language().startswith("zh") else 1
    return [(line[pick], line[2]) for line in work_kind(category and category.slug).milestones]


def _with_amounts(split, budget: Decimal | None, currency: str) -> list[BriefMilestone]:
    if budget is None:
        return [BriefMilestone(title, percent) for title, percent in split]
    parts, remainder = shares_split(budget, currency, [percent for _title, percent in split])
    parts[-1] += remainder
    return [
        BriefMilestone(title, percent, amount)
        for (title, percent), amount in zip(split, parts, strict=True)
    ]


def _timeline(
    category: Category | None, draft: BriefDraft, pricing: PriceSuggestion | None
) -> tuple[int, int, int, bool]:
    """(quick, typical, long) days and whether they come from comparable deals: their
    quartiles when known, else the category's usual days around the draft's typical ones."""
    if pricing is not None and pricing.days_median is not None:
        return pricing.days_low, pricing.days_median, pricing.days_high, True
    quick, typical, long = work_kind(category and category.slug).days
    if draft.days:
        typical = max(int(draft.days), 1)
        quick, long = min(quick, typical), max(long, typical)
    return quick, typical, long, False


def brief_propose(*, need: str, currency: str, budget: Decimal | None = None) -> Brief:
    """The brief for ``need``, in the active language, priced in ``currency``."""
    need = (need or "").strip()[:NEED_MAX_CHARS]
    draft = brief_provider().draft(need=need, language=get_language() or "en")
    category = None
    if draft.category_slug:
        category = Category.objects.filter(slug=draft.category_slug).first()
    pricing = pricing_suggestion(text=need, currency=currency, category=category)
    given = budget is not None
    if given:
        budget = money_quantize(budget, currency)
    elif pricing is not None:
        budget = pricing.median
    quick, typical, long, from_deals = _timeline(category, draft, pricing)
    return Brief(
        need=need,
        title=(draft.title or need)[:TITLE_MAX_CHARS],
        category=category,
        skills=_checked_skills(draft.skill_slugs, category),
        deliverables=[str(item).strip()[:200] for item in draft.deliverables if str(item).strip()],
        milestones=_with_amounts(_checked_split(draft, category), budget, currency),
        currency=currency,
        budget=budget,
        budget_given=given,
        pricing=pricing,
        days_low=quick,
        days_typical=typical,
        days_high=long,
        timeline_from_deals=from_deals,
    )
