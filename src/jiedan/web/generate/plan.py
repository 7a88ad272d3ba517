"""What a generation run makes (``Plan``) and what every part of it shares (``Run``): the
seed's random streams, the fixed moment the history ends at, the taxonomy and the places.

Proportions (per ``Plan``): one client for every two freelancers; about five proposals per
published project; a contract on about one project in ten, with one to three milestones (or
weekly statements when the project is paid by the hour); about ten chat messages per
contract; reviews on most ended, paid contracts.

Reproducible: every random choice comes from ``Run.rng(name)``, a ``random.Random`` seeded
with the seed and the name of the part asking (never the global generator), and every moment
is counted back from ``Run.now``. The same seed, moment and database start give the same rows.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from jiedan.core.geo import City, cities
from jiedan.taxonomy.models import Category, Skill

GENERATED_DOMAIN = "generated.invalid"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
HISTORY = timedelta(days=365)  # projects are posted over the year before ``now``
MEMBERSHIP = timedelta(days=730)  # people joined over the two years before ``now``
CENT = Decimal("0.01")
# Where people are: the big cities most often, every other city of the gazetteer sometimes.
BIG_CITIES = {
    "北京": 12,
    "上海": 12,
    "深圳": 9,
    "广州": 8,
    "杭州": 7,
    "成都": 6,
    "南京": 4,
    "武汉": 4,
    "西安": 3,
    "重庆": 4,
    "苏州": 3,
    "天津": 3,
    "厦门": 2,
    "长沙": 2,
    "香港": 2,
}
ENGLISH_CITIES = ["上海", "北京", "深圳", "香港", "广州"]


@dataclass(frozen=True)
class Plan:
    freelancers: int
    projects: int
    proposals_per_project: float = 5.0
    contract_share: float = 0.10
    messages_per_contract: int = 10

    @property
    def clients(self) -> int:
        return max(1, self.freelancers // 2)

    @classmethod
    def of_size(cls, size: str) -> "Plan":
        count = SIZES[size]
        return cls(freelancers=count, projects=count)


@dataclass(frozen=True)
class SkillInfo:
    id: int
    zh: str
    en: str
    order: tuple[int, int]  # how ``Skill`` rows sort (category position, id)

    @property
    def names(self) -> tuple[str, str]:
        return self.zh, self.en


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    slug: str
    zh: str
    en: str
    local: bool
    skills: list[SkillInfo]


@dataclass
class Run:
    """State shared by the parts of one run."""

    plan: Plan
    seed: int
    now: datetime
    categories: list[CategoryInfo] = field(default_factory=list)
    category_weights: list[float] = field(default_factory=list)  # cumulative
    places: list[City] = field(default_factory=list)
    place_weights: list[float] = field(default_factory=list)  # cumulative
    english_places: list[City] = field(default_factory=list)
    ids: Any = None  # writer.Ids
    out: Any = None  # writer.Writer
    tokens: Any = None  # search.DocumentTokens
    parties: set[int] = field(default_factory=set)  # everyone who took part in a contract

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")  # noqa: S311 (made-up data, not secrets)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(settings.TIME_ZONE)

    def local_date(self, moment: datetime):
        return moment.astimezone(self.tz).date()

    def load(self) -> None:
        """The active taxonomy (a category weighs as many skills as it has) and the
        gazetteer (big cities weigh more)."""
        skills: dict[int, list[SkillInfo]] = {}
        rows = Skill.objects.filter(is_active=True).select_related("category")
        for skill in rows.order_by("category__position", "id"):
            info = SkillInfo(
                skill.pk, skill.name_zh, skill.name_en, (skill.category.position, skill.pk)
            )
            skills.setdefault(skill.category_id, []).append(info)
        for category in Category.objects.order_by("position", "id"):
            if skills.get(category.pk):
                self.categories.append(
                    CategoryInfo(
                        category.pk,
                        category.slug,
                        category.name_zh,
                        category.name_en,
                        category.is_local_service,
                        skills[category.pk],
                    )
                )
        if not self.categories:
            raise ValueError("the skills taxonomy is empty: run migrate or taxonomy_load first")
        self.category_weights = list(
            accumulate(len(category.skills) for category in self.categories)
        )
        self.places = list(cities())
        self.place_weights = list(accumulate(BIG_CITIES.get(p.short_zh, 0.15) for p in self.places))
        self.english_places = [
            p for name in ENGLISH_CITIES for p in self.places if p.short_zh == name
        ]

    def city_of(self, place: City | None, lang: str) -> str:
        if place is None:
            return ""
        return place.short_zh if lang == "zh" else place.name_en

    def place(self, rng: random.Random, lang: str) -> City | None:
        """Where a person is: anywhere in China for Chinese speakers; a few big cities or
        abroad (no city) for English speakers."""
        if lang == "en":
            if rng.random() < 0.4:
                return None
            return rng.choice(self.english_places)
        return rng.choices(self.places, cum_weights=self.place_weights)[0]

    def moment_in_history(self, rng: random.Random, span: timedelta, growth: float = 2.0):
        """A moment within ``span`` before ``now``, more often recent: the density rises
        linearly to ``1 + growth`` times its start (a growing site)."""
        u = rng.random()
        fraction = (-1 + (1 + 2 * growth * u * (1 + growth / 2)) ** 0.5) / growth
        return self.now - span + span * fraction


def minutes(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(minutes=rng.uniform(low, high))


def days(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(days=rng.uniform(low, high))


def nice_amount(value: float) -> Decimal:
    """A price as people write it: 2 significant digits (3 above 10,000), whole units, in
    the quantized form the services store (``Decimal("2400.00")``)."""
    if value < 10:
        return Decimal(max(1, round(value))).quantize(CENT)
    digits = len(str(int(value)))
    step = 10 ** max(0, digits - (3 if value >= 10_000 else 2))
    return Decimal(max(step, round(value / step) * step)).quantize(CENT)
