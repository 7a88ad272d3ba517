"""Reads for the service catalogue: the public browse list, a service page, the owner's list.

The public only ever sees published services of active accounts. A service's "starting at"
price and its delivery time are those of its basic tier (tiers cannot get cheaper as they go
up, so the basic tier is the cheapest); browse filters and sorting use these two values.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiedan.accounts import roles
from jiedan.core.errors import InvalidInput, NotFound
from jiedan.core.money import money_quantize
from jiedan.search.selectors import RankedRows, hybrid_ranked_ids

from .models import (
    SEARCH_KIND,
    Level,
    Service,
    ServiceExtra,
    ServiceOrder,
    ServiceStatusChange,
    ServiceTier,
    Status,
)

PER_PAGE = 12


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE = "price"
    FASTEST = "fastest"

    CHOICES = [
        (RELEVANCE, _("Best match")),
        (NEWEST, _("Newest")),
        (PRICE, _("Price: low to high")),
        (FASTEST, _("Fastest delivery")),
    ]
    ORDERING = {
        NEWEST: ("-published_at", "-id"),
        PRICE: ("starting_price", "-id"),
        FASTEST: ("basic_delivery_days", "starting_price", "-id"),
    }


@dataclass(frozen=True)
class ServiceFilters:
    query: str = ""  # free text, Chinese or English
    category: str | None = None  # a category slug
    currency: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    max_days: int | None = None
    sort: str = Sort.NEWEST


def with_basic_tier(queryset: QuerySet[Service]) -> QuerySet[Service]:
    """Annotate ``starting_price`` and ``basic_delivery_days`` from the basic tier (one join)."""
    return queryset.annotate(
        basic=FilteredRelation("tiers", condition=Q(tiers__level=Level.BASIC)),
        starting_price=F("basic__price"),
        basic_delivery_days=F("basic__delivery_days"),
    )


def published_services() -> QuerySet[Service]:
    """Services anyone may see: published, by an active account."""
    return Service.objects.filter(status=Status.PUBLISHED, owner__is_active=True)


def service_search(*, filters: ServiceFilters) -> QuerySet[Service] | RankedRows:
    """Published services matching the filters, in the chosen order. With a text query the
    default order is best match first (full-text rank); without one, newest first."""
    queryset = with_basic_tier(published_services().select_related("owner", "category"))
    ranked: list[int] = []
    if filters.query.strip():
        ranked = hybrid_ranked_ids(kind=SEARCH_KIND, query=filters.query)
        queryset = queryset.filter(pk__in=ranked)
    if filters.category:
        queryset = queryset.filter(category__slug=filters.category)
    if filters.currency:
        queryset = queryset.filter(currency=filters.currency)
    if filters.min_price is not None:
        queryset = queryset.filter(starting_price__gte=filters.min_price)
    if filters.max_price is not None:
        queryset = queryset.filter(starting_price__lte=filters.max_price)
    if filters.max_days is not None:
        queryset = queryset.filter(basic_delivery_days__lte=filters.max_days)
    if ranked and filters.sort in ("", Sort.RELEVANCE):
        return RankedRows(queryset, ranked)
    ordering = Sort.ORDERING.get(filters.sort, Sort.ORDERING[Sort.NEWEST])
    return queryset.order_by(*ordering)


def service_page(*, filters: ServiceFilters, page: int | str | None, per_page=PER_PAGE) -> Page:
    """One page of ``service_search``; an out-of-range page number gives the last page."""
    return Paginator(service_search(filters=filters), per_page).get_page(page)


def _with_everything(queryset: QuerySet[Service]) -> QuerySet[Service]:
    return queryset.select_related("owner", "category").prefetch_related(
        "tiers", "extras", "faqs", "skills"
    )


def can_moderate(user) -> bool:
    return bool(user and user.is_authenticated and roles.user_can(user, "content.moderate"))


def service_for_viewer(*, service_id: int, viewer) -> Service:
    """A service with everything its page shows. Everyone sees a published service; the owner
    sees their own in any status; moderators see any service that was ever published. Anything
    else is ``NotFound`` (a hidden service looks exactly like a missing one)."""
    service = _with_everything(Service.objects.filter(pk=service_id)).first()
    if service is None:
        raise NotFound(_("No such service."), code="service_not_found")
    is_owner = bool(viewer and viewer.is_authenticated and viewer.pk == service.owner_id)
    public = service.status == Status.PUBLISHED and service.owner.is_active
    moderator_view = service.status != Status.DRAFT and can_moderate(viewer)
    if not (public or is_owner or moderator_view):
        raise NotFound(_("No such service."), code="service_not_found")
    return service


def service_public_detail(*, service_id: int) -> Service:
    """A published service of an active account, or ``NotFound``."""
    service = _with_everything(published_services().filter(pk=service_id)).first()
    if service is None:
        raise NotFound(_("No such service."), code="service_not_found")
    return service


def services_of_owner(*, owner) -> QuerySet[Service]:
    """The owner's own services in every status, most recently changed first."""
    return with_basic_tier(
        Service.objects.filter(owner=owner).select_related("category", "owner")
    ).order_by("-updated_at", "-id")


def service_of_owner(*, owner, service_id: int) -> Service:
    """The owner's service with its tiers, extras and FAQ; another person's id is ``NotFound``."""
    service = _with_everything(Service.objects.filter(pk=service_id, owner=owner)).first()
    if service is None:
        raise NotFound(_("No such service."), code="service_not_found")
    return service


def service_history(*, service: Service) -> QuerySet[ServiceStatusChange]:
    return service.status_changes.select_related("actor").order_by("created_at", "id")


def service_missing_for_publish(*, service: Service) -> list[str]:
    """What still stops the service from being published (empty when it is complete): a title,
    a description, a category and a basic tier."""
    missing = []
    if not service.title.strip():
        missing.append(_("Add a title."))
    if not service.description.strip():
        missing.append(_("Add a description."))
    if service.category_id is None:
        missing.append(_("Choose a category."))
    if not any(tier.level == Level.BASIC for tier in service.tiers.all()):
        missing.append(_("Add a basic tier with a price and a delivery time."))
    return missing


@dataclass(frozen=True)
class OrderQuote:
    tier: ServiceTier
    extras: list[ServiceExtra]
    total: Decimal
    currency: str
    delivery_days: int
    revisions: int


def order_quote(*, service: Service, tier_level: str, extra_ids: list[int]) -> OrderQuote:
    """What ordering this tier with these extras costs and gives: total = tier price + extras
    (in the service's currency); delivery = tier days minus the days the extras save, at least
    one day; revisions = the tier's plus the extras'. Unknown tiers or extras are refused."""
    tier = next((t for t in service.tiers.all() if t.level == tier_level), None)
    if tier is None:
        raise InvalidInput(_("Choose one of the service's tiers."), code="unknown_tier")
    wanted = set(extra_ids)
    extras = [extra for extra in service.extras.all() if extra.pk in wanted]
    if len(extras) != len(extra_ids):
        raise InvalidInput(_("Choose extras from this service."), code="unknown_extra")
    return OrderQuote(
        tier=tier,
        extras=extras,
        total=money_quantize(tier.price + sum(e.price for e in extras), service.currency),
        currency=service.currency,
        delivery_days=max(1, tier.delivery_days - sum(e.days_saved for e in extras)),
        revisions=tier.revisions + sum(e.extra_revisions for e in extras),
    )


def order_for_party(*, order_id: int, user) -> ServiceOrder:
    """An order seen by its buyer or seller; anyone else gets ``NotFound``."""
    if not user.is_authenticated:
        raise NotFound(_("No such order."), code="order_not_found")
    order = (
        ServiceOrder.objects.filter(pk=order_id)
        .filter(Q(buyer_id=user.pk) | Q(seller_id=user.pk))
        .select_related("service", "buyer", "seller")
        .first()
    )
    if order is None:
        raise NotFound(_("No such order."), code="order_not_found")
    return order


def moderation_services(*, status: str | None = None) -> QuerySet[Service]:
    """Services a moderator can review: everything except drafts, most recently changed first."""
    queryset = Service.objects.exclude(status=Status.DRAFT).select_related("owner", "category")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-updated_at", "-id")
