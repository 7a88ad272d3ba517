"""Reads for saved searches: a person's searches with their new-alert counts, one search's
alerts, a readable summary of the criteria and the link back to the project list. Only the
owner ever sees a saved search or its alerts."""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from jiedan.core.errors import NotFound
from jiedan.core.geo import city_lookup
from jiedan.core.money import money_display
from jiedan.projects.models import BudgetType, WorkMode
from jiedan.taxonomy.models import Category, Skill

from .models import SavedSearch, SavedSearchMatch


def saved_searches_of(*, owner) -> QuerySet[SavedSearch]:
    """The owner's searches, newest first, each with ``new_count`` (alerts not yet seen) and
    ``alert_count``."""
    return SavedSearch.objects.filter(owner=owner).annotate(
        alert_count=Count("matches"),
        new_count=Count("matches", filter=Q(matches__seen_at__isnull=True)),
    )


def saved_search_of(*, owner, saved_search_id: int) -> SavedSearch:
    saved_search = saved_searches_of(owner=owner).filter(pk=saved_search_id).first()
    if saved_search is None:
        raise NotFound(_("No such saved search."), code="saved_search_not_found")
    return saved_search


def saved_search_alerts(*, saved_search: SavedSearch) -> QuerySet[SavedSearchMatch]:
    """The search's alerts, newest first, with their projects (page it: it may be long)."""
    return (
        SavedSearchMatch.objects.filter(saved_search=saved_search)
        .select_related("project", "project__category")
        .order_by("-matched_at", "-id")
    )


def new_alert_count(*, owner) -> int:
    return SavedSearchMatch.objects.filter(saved_search__owner=owner, seen_at__isnull=True).count()


def browse_url(criteria: dict) -> str:
    """The project list showing the saved search's results."""
    params = {name: "on" if value is True else value for name, value in criteria.items()}
    return reverse("projects:browse") + "?" + urlencode(params, doseq=True)


@dataclass(frozen=True)
class Names:
    """Names of the categories and skills some saved searches refer to, read in two queries."""

    categories: dict[str, str]
    skills: dict[str, str]

    @classmethod
    def for_searches(cls, searches) -> "Names":
        category_slugs, skill_slugs = set(), set()
        for search in searches:
            if search.criteria.get("category"):
                category_slugs.add(search.criteria["category"])
            skill_slugs.update(search.criteria.get("skills", ()))
        categories = Category.objects.filter(slug__in=category_slugs)
        skills = Skill.objects.filter(slug__in=skill_slugs)
        return cls(
            categories={category.slug: category.name for category in categories},
            skills={skill.slug: skill.name for skill in skills},
        )


def _budget_summary(criteria: dict) -> str | None:
    currency = criteria.get("currency")
    low, high = criteria.get("budget_min"), criteria.get("budget_max")
    if low and high:
        low, high = money_display(Decimal(low), currency), money_display(Decimal(high), currency)
        return _("Budget %(low)s to %(high)s") % {"low": low, "high": high}
    if low:
        return _("Budget from %(amount)s") % {"amount": money_display(Decimal(low), currency)}
    if high:
        return _("Budget up to %(amount)s") % {"amount": money_display(Decimal(high), currency)}
    return _("Budget in %(currency)s") % {"currency": currency} if currency else None


def _place_summary(criteria: dict) -> str | None:
    if not criteria.get("near"):
        return None
    city = city_lookup(criteria["near"])
    name = city.name if city else criteria["near"]
    if criteria.get("distance_km"):
        return _("Within %(km)s km of %(city)s") % {"km": criteria["distance_km"], "city": name}
    return _("On site, reaching %(city)s") % {"city": name}


def criteria_summary(criteria: dict, names: Names) -> list[str]:
    """The criteria in words, one phrase per criterion, in the active language."""
    parts = []
    if criteria.get("q"):
        parts.append(_("“%(words)s”") % {"words": criteria["q"]})
    if criteria.get("category"):
        parts.append(names.categories.get(criteria["category"], criteria["category"]))
    if criteria.get("skills"):
        skills = [names.skills.get(slug, slug) for slug in criteria["skills"]]
        parts.append(_("Skills: %(skills)s") % {"skills": ", ".join(skills)})
    if criteria.get("budget_type"):
        parts.append(str(BudgetType(criteria["budget_type"]).label))
    parts.append(_budget_summary(criteria))
    if criteria.get("work_mode"):
        parts.append(str(WorkMode(criteria["work_mode"]).label))
    parts.append(_place_summary(criteria))
    if criteria.get("client_verified"):
        parts.append(_("Verified clients only"))
    if criteria.get("client_rating_min"):
        parts.append(
            _("Client rating at least %(rating)s") % {"rating": criteria["client_rating_min"]}
        )
    return [part for part in parts if part]
