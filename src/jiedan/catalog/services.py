"""Writes for the service catalogue: a freelancer's services, their status, and orders.

Rules that hold everywhere:

- Only the owner edits, publishes or pauses a service; for anyone else its id is "not found".
- Tiers come in order: basic, then standard, then premium; a higher tier never costs less than
  the one below it, so the basic tier's price is the service's "starting at" price.
- Status moves only along ``ALLOWED_TRANSITIONS`` through ``service_transition``, which writes
  a history row (who, when, from, to, why).
- Publishing needs a complete service: title, description, category and a basic tier.
- A moderator (capability ``content.moderate``) can unpublish a published or paused service
  with a reason the owner sees. The owner may publish it again only after editing it (its
  ``edited_at`` is later than ``moderated_at``), so "publish again" always means "I fixed it";
  the moderator can unpublish again if it is still not acceptable. The reason stays in history.
- An order snapshots the tier and extras; it is idempotent per (buyer, idempotency key).
  No money moves when an order is placed: escrow comes with contracts.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.accounts import roles
from jiedan.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jiedan.core.images import image_check, image_square_thumbnail
from jiedan.core.money import Currency, money_positive, money_quantize
from jiedan.search.services import search_document_put, search_document_remove
from jiedan.taxonomy.models import Category, Skill

from .models import (
    ALLOWED_TRANSITIONS,
    LEVEL_ORDER,
    MAX_DELIVERY_DAYS,
    MAX_EXTRAS,
    MAX_FAQS,
    MAX_FEATURES,
    MAX_REVISIONS,
    MAX_SKILLS,
    ORDER_TRANSITIONS,
    SEARCH_KIND,
    Level,
    OrderStatus,
    Service,
    ServiceExtra,
    ServiceFaq,
    ServiceOrder,
    ServiceOrderStatusChange,
    ServiceStatusChange,
    ServiceTier,
    Status,
)
from .selectors import order_quote, service_missing_for_publish

COVER_SIDE = 800
COVER_MAX_BYTES = 5 * 1024 * 1024
FEATURE_MAX_LENGTH = 80
IDEMPOTENCY_KEY_MAX_LENGTH = 100


@dataclass(frozen=True)
class TierDetails:
    level: str
    price: Decimal | str
    delivery_days: int
    revisions: int = 0
    name: str = ""
    summary: str = ""
    features: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExtraDetails:
    title: str
    price: Decimal | str
    days_saved: int = 0
    extra_revisions: int = 0


@dataclass(frozen=True)
class FaqDetails:
    question: str
    answer: str


@dataclass(frozen=True)
class ServiceDetails:
    """Everything the owner writes about a service; tiers, extras and FAQ replace the old ones."""

    title: str
    description: str = ""
    category_id: int | None = None
    skill_ids: list[int] = field(default_factory=list)
    currency: str = Currency.CNY
    tiers: list[TierDetails] = field(default_factory=list)
    extras: list[ExtraDetails] = field(default_factory=list)
    faqs: list[FaqDetails] = field(default_factory=list)


@dataclass(frozen=True)
class OrderPlaced:
    """What ``service_order_place`` returns: the order and whether this call created it.

    ``created`` is False when the buyer had already used the idempotency key: ``order`` is then
    the first order, unchanged. This is the seam for contracts: the contracts app will start a
    contract for a newly created order and record it with ``service_order_contract_attach``.
    """

    order: ServiceOrder
    created: bool


def _validated(instance, *, exclude: list[str]) -> None:
    """Run the model's field validation; report the first problem as ``InvalidInput``."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field_name, messages = next(iter(error.message_dict.items()))
        label = instance._meta.get_field(field_name).verbose_name
        raise InvalidInput(f"{label}: {messages[0]}", code="invalid_field") from error


def _in_range(value, low: int, high: int, message, code: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidInput(message, code=code)
    return value


def _clean_features(features: list[str]) -> list[str]:
    cleaned = [text.strip() for text in features if text and text.strip()]
    if len(cleaned) > MAX_FEATURES:
        raise InvalidInput(
            _("List at most %(count)s included items per tier.") % {"count": MAX_FEATURES},
            code="too_many_features",
        )
    if any(len(text) > FEATURE_MAX_LENGTH for text in cleaned):
        raise InvalidInput(
            _("Keep each included item under %(count)s characters.")
            % {"count": FEATURE_MAX_LENGTH},
            code="feature_too_long",
        )
    return cleaned


def _build_tiers(tiers: list[TierDetails], currency: str) -> list[ServiceTier]:
    """Unsaved tiers in level order, checked: known levels, no gaps, prices never decreasing."""
    levels = [tier.level for tier in tiers]
    if any(level not in Level.values for level in levels) or len(set(levels)) != len(levels):
        raise InvalidInput(
            _("Each tier must be basic, standard or premium, once."), code="bad_tier"
        )
    if set(levels) != set(LEVEL_ORDER[: len(levels)]):
        raise InvalidInput(
            _("Add tiers in order: basic first, then standard, then premium."), code="tier_order"
        )
    built: list[ServiceTier] = []
    for details in sorted(tiers, key=lambda tier: LEVEL_ORDER.index(tier.level)):
        tier = ServiceTier(
            level=details.level,
            name=details.name.strip(),
            summary=details.summary.strip(),
            price=money_positive(details.price, currency),
            delivery_days=_in_range(
                details.delivery_days,
                1,
                MAX_DELIVERY_DAYS,
                _("Delivery takes 1 to %(max)s days.") % {"max": MAX_DELIVERY_DAYS},
                "bad_delivery_days",
            ),
            revisions=_in_range(
                details.revisions,
                0,
                MAX_REVISIONS,
                _("Offer 0 to %(max)s revisions.") % {"max": MAX_REVISIONS},
                "bad_revisions",
            ),
            features=_clean_features(details.features),
        )
        if built and tier.price < built[-1].price:
            raise InvalidInput(
                _("A higher tier cannot cost less than the tier before it."),
                code="tier_price_order",
            )
        _validated(tier, exclude=["service"])
        built.append(tier)
    return built


def _build_extras(extras: list[ExtraDetails], currency: str) -> list[ServiceExtra]:
    if len(extras) > MAX_EXTRAS:
        raise InvalidInput(
            _("Offer at most %(count)s extras.") % {"count": MAX_EXTRAS}, code="too_many_extras"
        )
    built = []
    for position, details in enumerate(extras):
        extra = ServiceExtra(
            title=details.title.strip(),
            price=money_positive(details.price, currency),
            days_saved=_in_range(
                details.days_saved,
                0,
                MAX_DELIVERY_DAYS - 1,
                _("Days saved must be between 0 and %(max)s.") % {"max": MAX_DELIVERY_DAYS - 1},
                "bad_days_saved",
            ),
            extra_revisions=_in_range(
                details.extra_revisions,
                0,
                MAX_REVISIONS,
                _("Extra revisions must be between 0 and %(max)s.") % {"max": MAX_REVISIONS},
                "bad_extra_revisions",
            ),
            position=position,
        )
        _validated(extra, exclude=["service"])
        built.append(extra)
    return built


def _build_faqs(faqs: list[FaqDetails]) -> list[ServiceFaq]:
    if len(faqs) > MAX_FAQS:
        raise InvalidInput(
            _("Add at most %(count)s questions.") % {"count": MAX_FAQS}, code="too_many_faqs"
        )
    built = []
    for position, details in enumerate(faqs):
        faq = ServiceFaq(
            question=details.question.strip(), answer=details.answer.strip(), position=position
        )
        _validated(faq, exclude=["service"])
        built.append(faq)
    return built


def _skills(skill_ids: list[int]) -> list[Skill]:
    ordered = list(dict.fromkeys(skill_ids))
    if len(ordered) > MAX_SKILLS:
        raise InvalidInput(
            _("Choose at most %(count)s skills.") % {"count": MAX_SKILLS}, code="too_many_skills"
        )
    skills = Skill.objects.in_bulk(ordered)
    if len(skills) != len(ordered) or not all(skill.is_active for skill in skills.values()):
        raise InvalidInput(_("Choose skills from the list."), code="unknown_skill")
    return [skills[pk] for pk in ordered]


def _apply_details(service: Service, details: ServiceDetails) -> Service:
    """Check everything first, then write the service and replace its tiers, extras and FAQ."""
    if details.currency not in Currency.values:
        raise InvalidInput(_("Unsupported currency."), code="unsupported_currency")
    if (
        details.category_id is not None
        and not Category.objects.filter(pk=details.category_id).exists()
    ):
        raise InvalidInput(_("Choose a category from the list."), code="unknown_category")
    skills = _skills(details.skill_ids)
    tiers = _build_tiers(details.tiers, details.currency)
    extras = _build_extras(details.extras, details.currency)
    faqs = _build_faqs(details.faqs)
    service.title = details.title.strip()
    service.description = details.description.strip()
    service.category_id = details.category_id
    service.currency = details.currency
    service.edited_at = timezone.now()
    _validated(service, exclude=["owner", "cover", "category", "skills"])
    service.save()
    service.skills.set(skills)
    service.tiers.exclude(level__in=[tier.level for tier in tiers]).delete()
    for tier in tiers:
        values = {f: getattr(tier, f) for f in ("name", "summary", "price", "delivery_days")}
        values |= {"revisions": tier.revisions, "features": tier.features}
        ServiceTier.objects.update_or_create(service=service, level=tier.level, defaults=values)
    service.extras.all().delete()
    ServiceExtra.objects.bulk_create([_attach(extra, service) for extra in extras])
    service.faqs.all().delete()
    ServiceFaq.objects.bulk_create([_attach(faq, service) for faq in faqs])
    return service


def _attach(child, service: Service):
    child.service = service
    return child


def _own_service(owner, service_id: int) -> Service:
    """The owner's service, locked for update; another person's id is ``NotFound``."""
    if not getattr(owner, "is_authenticated", False):
        raise NotAuthenticated()
    service = Service.objects.select_for_update().filter(pk=service_id, owner=owner).first()
    if service is None:
        raise NotFound(_("No such service."), code="service_not_found")
    return service


def _set_cover(service: Service, upload) -> None:
    """Store an 800 px square JPEG made from the (already checked) upload; the old file is
    deleted once the transaction commits."""
    old = service.cover.name
    picture = image_square_thumbnail(upload, side=COVER_SIDE, name="cover.jpg")
    service.cover.save(picture.name, picture, save=False)
    service.save(update_fields=["cover", "updated_at"])
    if old:
        storage = service.cover.storage
        transaction.on_commit(lambda: storage.delete(old))


@transaction.atomic
def service_create(*, owner, details: ServiceDetails, cover=None) -> Service:
    """A new draft owned by ``owner``; nobody else sees it until it is published. ``cover``
    is an optional image upload, checked by content, size (≤ 5 MB) and pixel count."""
    if not getattr(owner, "is_authenticated", False):
        raise NotAuthenticated()
    if cover is not None:
        image_check(cover, max_bytes=COVER_MAX_BYTES)
    service = _apply_details(Service(owner=owner, status=Status.DRAFT), details)
    if cover is not None:
        _set_cover(service, cover)
    _reindex_after_commit(service)
    return service


@transaction.atomic
def service_update(*, owner, service_id: int, details: ServiceDetails, cover=None) -> Service:
    """Replace the service's content (and the cover, when one is given). Edits to a published
    service are live at once, so a published service must stay complete. Every edit moves
    ``edited_at`` forward."""
    if cover is not None:
        image_check(cover, max_bytes=COVER_MAX_BYTES)
    service = _apply_details(_own_service(owner, service_id), details)
    if cover is not None:
        _set_cover(service, cover)
    if service.status == Status.PUBLISHED:
        _ensure_complete(service)
    _reindex_after_commit(service)
    return service


@transaction.atomic
def service_transition(*, service: Service, to: str, actor, reason: str = "") -> Service:
    """The one way a service's status changes. Refuses a move missing from
    ``ALLOWED_TRANSITIONS`` with ``Conflict`` and records who, when, from, to and why.
    The caller holds the row lock and has decided that ``actor`` may make this move."""
    current = service.status
    if to not in ALLOWED_TRANSITIONS.get(current, frozenset()):
        raise Conflict(
            _("A service cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(current).label, "to": Status(to).label},
            code="illegal_transition",
        )
    ServiceStatusChange.objects.create(
        service=service, actor=actor, from_status=current, to_status=to, reason=reason
    )
    service.status = to
    service.save()
    _reindex_after_commit(service)
    return service


def service_search_sync(*, service_id: int) -> None:
    """Put a published service in the search index with everything a buyer might type (its
    texts, and category and skill names in both languages); take anything else out of it."""
    service = (
        Service.objects.filter(pk=service_id, status=Status.PUBLISHED)
        .select_related("category")
        .prefetch_related("skills", "tiers")
        .first()
    )
    if service is None:
        search_document_remove(kind=SEARCH_KIND, object_id=service_id)
        return
    parts = [service.title, service.description]
    if service.category:
        parts += [service.category.name_zh, service.category.name_en]
    parts += [name for skill in service.skills.all() for name in (skill.name_zh, skill.name_en)]
    for tier in service.tiers.all():
        parts += [tier.name, tier.summary, *tier.features]
    search_document_put(kind=SEARCH_KIND, object_id=service.pk, text="\n".join(parts))


def service_search_rebuild() -> int:
    """Index every service again (after a deploy that changed how text is indexed)."""
    service_ids = list(Service.objects.values_list("pk", flat=True))
    for service_id in service_ids:
        service_search_sync(service_id=service_id)
    return len(service_ids)


def _reindex_after_commit(service: Service) -> None:
    service_id = service.pk
    transaction.on_commit(lambda: service_search_sync(service_id=service_id))


def _ensure_complete(service: Service) -> None:
    missing = service_missing_for_publish(service=service)
    if missing:
        raise InvalidInput(" ".join(str(text) for text in missing), code="service_incomplete")


@transaction.atomic
def service_publish(*, owner, service_id: int) -> Service:
    """Show the service in the catalogue: first publication, resuming after a pause, or
    publishing again after a moderator unpublished it — only once it has been edited since."""
    service = _own_service(owner, service_id)
    if service.status == Status.UNPUBLISHED and not (
        service.moderated_at and service.edited_at > service.moderated_at
    ):
        raise Conflict(
            _("Edit the service to address the moderator's reason before publishing it again."),
            code="moderation_unresolved",
        )
    _ensure_complete(service)
    service.moderation_reason = ""
    service.published_at = service.published_at or timezone.now()
    return service_transition(service=service, to=Status.PUBLISHED, actor=owner)


@transaction.atomic
def service_pause(*, owner, service_id: int) -> Service:
    """Take a published service out of the catalogue for a while; existing orders are kept."""
    return service_transition(
        service=_own_service(owner, service_id), to=Status.PAUSED, actor=owner
    )


@transaction.atomic
def service_unpublish(*, moderator, service_id: int, reason: str) -> Service:
    """A moderator hides a published or paused service; the owner sees ``reason``."""
    if not (
        getattr(moderator, "is_authenticated", False)
        and roles.user_can(moderator, "content.moderate")
    ):
        raise PermissionDenied()
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give the owner a reason."), code="reason_required")
    service = Service.objects.select_for_update().filter(pk=service_id).first()
    if service is None:
        raise NotFound(_("No such service."), code="service_not_found")
    service.moderation_reason = reason
    service.moderated_at = timezone.now()
    return service_transition(
        service=service, to=Status.UNPUBLISHED, actor=moderator, reason=reason
    )


def _clean_idempotency_key(key: str | None) -> str:
    key = (key or "").strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isprintable():
        raise InvalidInput(
            _("Send an idempotency key of 1 to %(count)s printable characters.")
            % {"count": IDEMPOTENCY_KEY_MAX_LENGTH},
            code="bad_idempotency_key",
        )
    return key


def _replay(*, buyer, key: str, service_id: int, tier_level: str, extra_ids: list[int]):
    """The order already placed with this key, or None. The same key with a different request
    is a ``Conflict``, never a silent second order."""
    order = ServiceOrder.objects.filter(buyer=buyer, idempotency_key=key).first()
    if order is None:
        return None
    same_request = (
        order.service_id == service_id
        and order.tier_level == tier_level
        and sorted(extra["id"] for extra in order.extras) == sorted(extra_ids)
    )
    if not same_request:
        raise Conflict(
            _("This idempotency key was already used for a different order."),
            code="idempotency_key_reused",
        )
    return OrderPlaced(order=order, created=False)


@transaction.atomic
def service_order_place(
    *,
    buyer,
    service_id: int,
    tier_level: str,
    extra_ids: list[int],
    idempotency_key: str,
    expected_total: Decimal | None = None,
) -> OrderPlaced:
    """Order one tier of a published service with some of its extras.

    Rules: the buyer is signed in and is not the owner; the service is published. The order
    keeps a copy of the tier and extras and the price worked out by ``order_quote``. When
    ``expected_total`` is given and the price changed meanwhile, nothing is ordered
    (``Conflict``). Idempotent per (buyer, key). No money moves here.
    """
    if not getattr(buyer, "is_authenticated", False):
        raise NotAuthenticated()
    key = _clean_idempotency_key(idempotency_key)
    extra_ids = list(extra_ids)
    request = {"service_id": service_id, "tier_level": tier_level, "extra_ids": extra_ids}
    if replay := _replay(buyer=buyer, key=key, **request):
        return replay
    service = Service.objects.select_for_update().filter(pk=service_id).first()
    if service is None:
        raise NotFound(_("No such service."), code="service_not_found")
    if replay := _replay(buyer=buyer, key=key, **request):  # re-check under the lock
        return replay
    if service.owner_id == buyer.pk:
        raise PermissionDenied(_("You cannot order your own service."), code="own_service")
    if service.status != Status.PUBLISHED or not service.owner.is_active:
        raise Conflict(
            _("This service is not available to order right now."), code="service_not_orderable"
        )
    quote = order_quote(service=service, tier_level=tier_level, extra_ids=extra_ids)
    if expected_total is not None and money_quantize(expected_total, quote.currency) != quote.total:
        raise Conflict(
            _("The price changed while you were choosing. Check the new total."),
            code="price_changed",
        )
    try:
        with transaction.atomic():
            order = ServiceOrder.objects.create(
                service=service,
                buyer=buyer,
                seller_id=service.owner_id,
                idempotency_key=key,
                service_title=service.title,
                tier_level=quote.tier.level,
                tier_name=quote.tier.display_name,
                tier_price=quote.tier.price,
                features=list(quote.tier.features),
                extras=[
                    {
                        "id": extra.pk,
                        "title": extra.title,
                        "price": str(extra.price),
                        "days_saved": extra.days_saved,
                        "extra_revisions": extra.extra_revisions,
                    }
                    for extra in quote.extras
                ],
                delivery_days=quote.delivery_days,
                revisions=quote.revisions,
                total=quote.total,
                currency=service.currency,
            )
    except IntegrityError:
        # Another request with the same key committed first (it did not hold this service's
        # lock because it ordered another service): answer like a replay.
        if replay := _replay(buyer=buyer, key=key, **request):
            return replay
        raise
    return OrderPlaced(order=order, created=True)


@transaction.atomic
def service_order_transition(*, order: ServiceOrder, to: str, actor, reason: str = ""):
    """The one way an order's status changes: along ``ORDER_TRANSITIONS``, with history."""
    current = order.status
    if to not in ORDER_TRANSITIONS.get(current, frozenset()):
        raise Conflict(
            _("An order cannot go from “%(from)s” to “%(to)s”.")
            % {"from": OrderStatus(current).label, "to": OrderStatus(to).label},
            code="illegal_transition",
        )
    ServiceOrderStatusChange.objects.create(
        order=order, actor=actor, from_status=current, to_status=to, reason=reason
    )
    order.status = to
    order.save(update_fields=["status", "contract_id", "updated_at"])
    return order


def _party_order(actor, order_id: int) -> ServiceOrder:
    order = ServiceOrder.objects.select_for_update().filter(pk=order_id).first()
    if order is None or actor.pk not in (order.buyer_id, order.seller_id):
        raise NotFound(_("No such order."), code="order_not_found")
    return order


@transaction.atomic
def service_order_cancel(*, actor, order_id: int, reason: str = "") -> ServiceOrder:
    """The buyer or the seller cancels an order that has not become a contract yet. Nothing
    to refund: no money has moved. Cancelling a cancelled order changes nothing."""
    order = _party_order(actor, order_id)
    if order.status == OrderStatus.CANCELLED:
        return order
    return service_order_transition(
        order=order, to=OrderStatus.CANCELLED, actor=actor, reason=reason.strip()
    )


@transaction.atomic
def service_order_contract_attach(*, order_id: int, contract_id: int, actor) -> ServiceOrder:
    """The contracts seam: record the contract started from a placed order (placed →
    contracted). Repeating it with the same contract is a no-op; another contract, or a
    cancelled order, is a ``Conflict``."""
    order = ServiceOrder.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("No such order."), code="order_not_found")
    if order.contract_id is not None:
        if order.contract_id != contract_id:
            raise Conflict(_("This order already has a contract."), code="order_has_contract")
        return order
    order.contract_id = contract_id
    return service_order_transition(order=order, to=OrderStatus.CONTRACTED, actor=actor)
