"""Catalogue API under /api/v1/services: public browsing, the owner's services, orders.

Public reads need no sign-in. Everything else uses the default auth (token or session).
Another person's service is 404 for every owner endpoint. Ordering needs an
``Idempotency-Key`` header (``jiedan.core.idempotency``): a repeated request with the same key
gets the first answer again and never creates a second order.
"""

from ninja import Query, Router, Status

from jiedan.core.idempotency import idempotent

from . import selectors, services
from .models import Service
from .schemas import (
    ModerationIn,
    OrderIn,
    OrderOut,
    ServiceIn,
    ServiceOut,
    ServicePageOut,
    ServiceQuery,
    ServiceSummaryOut,
)
from .selectors import ServiceFilters

router = Router(tags=["catalog"])


def _owner(user) -> dict:
    return {"id": user.pk, "name": user.get_short_name()}


def _category(service: Service) -> dict | None:
    category = service.category
    return category and {"id": category.pk, "slug": category.slug, "name": category.name}


def _summary(service: Service) -> dict:
    return {
        "id": service.pk,
        "title": service.title,
        "owner": _owner(service.owner),
        "category": _category(service),
        "currency": service.currency,
        "starting_price": service.starting_price,
        "delivery_days": service.basic_delivery_days,
        "published_at": service.published_at,
    }


def _full(service: Service) -> dict:
    return {
        "id": service.pk,
        "title": service.title,
        "description": service.description,
        "owner": _owner(service.owner),
        "category": _category(service),
        "skills": [
            {"id": skill.pk, "slug": skill.slug, "name": skill.name}
            for skill in service.skills.all()
        ],
        "currency": service.currency,
        "cover_url": service.cover.url if service.cover else None,
        "status": service.status,
        "moderation_reason": service.moderation_reason,
        "tiers": service.tier_list,
        "extras": list(service.extras.all()),
        "faqs": list(service.faqs.all()),
        "published_at": service.published_at,
        "updated_at": service.updated_at,
    }


def _details(payload: ServiceIn) -> services.ServiceDetails:
    data = payload.dict()
    return services.ServiceDetails(
        **{key: data[key] for key in ("title", "description", "category_id", "skill_ids")},
        currency=data["currency"],
        tiers=[services.TierDetails(**tier) for tier in data["tiers"]],
        extras=[services.ExtraDetails(**extra) for extra in data["extras"]],
        faqs=[services.FaqDetails(**faq) for faq in data["faqs"]],
    )


def _own(request, service_id: int) -> dict:
    return _full(selectors.service_of_owner(owner=request.user, service_id=service_id))


@router.get("", response=ServicePageOut, auth=None)
def service_list(request, query: Query[ServiceQuery]):
    """Published services, filtered on the basic tier's price ("starting at") and delivery."""
    filters = ServiceFilters(
        **query.dict(include={"category", "currency", "min_price", "max_price", "max_days"}),
        sort=query.sort,
    )
    page = selectors.service_page(filters=filters, page=query.page, per_page=query.page_size)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_summary(service) for service in page.object_list],
    }


@router.get("/mine", response=list[ServiceSummaryOut])
def my_services(request):
    """The caller's own services in every status."""
    return [_summary(service) for service in selectors.services_of_owner(owner=request.user)]


@router.get("/mine/{service_id}", response=ServiceOut)
def my_service(request, service_id: int):
    return _own(request, service_id)


@router.post("", response={201: ServiceOut})
def service_create(request, payload: ServiceIn):
    """Create a draft service."""
    service = services.service_create(owner=request.user, details=_details(payload))
    return Status(201, _own(request, service.pk))


@router.put("/{service_id}", response=ServiceOut)
def service_update(request, service_id: int, payload: ServiceIn):
    """Replace a service's content; tiers, extras and FAQ are replaced as a whole."""
    services.service_update(owner=request.user, service_id=service_id, details=_details(payload))
    return _own(request, service_id)


@router.post("/{service_id}/publish", response=ServiceOut)
def service_publish(request, service_id: int):
    services.service_publish(owner=request.user, service_id=service_id)
    return _own(request, service_id)


@router.post("/{service_id}/pause", response=ServiceOut)
def service_pause(request, service_id: int):
    services.service_pause(owner=request.user, service_id=service_id)
    return _own(request, service_id)


@router.post("/{service_id}/unpublish", response=ServiceOut)
def service_unpublish(request, service_id: int, payload: ModerationIn):
    """Moderators only (capability ``content.moderate``): hide a service with a reason."""
    services.service_unpublish(moderator=request.user, service_id=service_id, reason=payload.reason)
    return _full(selectors.service_for_viewer(service_id=service_id, viewer=request.user))


@router.get("/{service_id}", response=ServiceOut, auth=None)
def service_detail(request, service_id: int):
    """A published service with its tiers, extras and FAQ."""
    return _full(selectors.service_public_detail(service_id=service_id))


@router.post("/{service_id}/orders", response={200: OrderOut, 201: OrderOut})
@idempotent
def order_place(request, service_id: int, payload: OrderIn):
    """Order a tier with extras: 201 with the new order. A repeat with the same key gets the
    first answer again (``Idempotent-Replayed: true``); the same key for another order is 422
    ``idempotency_key_reused``. The order itself is unique per (buyer, key) too: 200 with the
    first order when the key is reused after the API has forgotten it."""
    placed = services.service_order_place(
        buyer=request.user,
        service_id=service_id,
        tier_level=payload.tier,
        extra_ids=payload.extras,
        idempotency_key=request.idempotency_key,
        expected_total=payload.expected_total,
    )
    return Status(201 if placed.created else 200, placed.order)
