"""Service packages ("gigs"): a freelancer's fixed-price offer in up to three tiers.

A ``Service`` has a basic tier and optionally a standard and a premium one (in that order),
optional paid extras and an FAQ. Its ``status`` is a state machine (``ALLOWED_TRANSITIONS``);
every move is recorded in ``ServiceStatusChange``. A buyer orders one tier with extras as a
``ServiceOrder``, which keeps a snapshot of what was bought, so later edits to the service never
change an order. All writes go through ``services.py``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import amount_field, currency_field
from jiedan.taxonomy.models import Category, Skill

MAX_SKILLS = 10
MAX_FEATURES = 10
MAX_EXTRAS = 5
MAX_FAQS = 10
MAX_DELIVERY_DAYS = 365
MAX_REVISIONS = 20


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    PAUSED = "paused", _("Paused")
    UNPUBLISHED = "unpublished", _("Unpublished by a moderator")


# Who may move a service where is decided in services.py; this map only says which moves exist.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.PUBLISHED}),
    Status.PUBLISHED: frozenset({Status.PAUSED, Status.UNPUBLISHED}),
    Status.PAUSED: frozenset({Status.PUBLISHED, Status.UNPUBLISHED}),
    Status.UNPUBLISHED: frozenset({Status.PUBLISHED}),
}


class Level(models.TextChoices):
    BASIC = "basic", _("Basic")
    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")


LEVEL_ORDER = [Level.BASIC, Level.STANDARD, Level.PREMIUM]


SEARCH_KIND = "service"  # the kind of search document a published service is indexed as


class Service(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("freelancer"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("category"),
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="services", verbose_name=_("skills")
    )
    currency = currency_field()
    cover = models.ImageField(_("cover image"), upload_to="catalog/covers/", blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    moderation_reason = models.TextField(_("moderation reason"), blank=True)
    moderated_at = models.DateTimeField(_("unpublished by moderator at"), null=True, blank=True)
    edited_at = models.DateTimeField(_("content last edited"), default=timezone.now)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "category"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self):
        return self.title

    @property
    def tier_list(self) -> list["ServiceTier"]:
        """Tiers in basic → standard → premium order (uses a prefetch when there is one)."""
        return sorted(self.tiers.all(), key=lambda tier: LEVEL_ORDER.index(tier.level))


class ServiceTier(models.Model):
    """One package of a service. ``features`` is a list of short strings."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="tiers")
    level = models.CharField(_("tier"), max_length=10, choices=Level.choices)
    name = models.CharField(_("name"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    price = amount_field(_("price"))
    delivery_days = models.PositiveSmallIntegerField(_("delivery (days)"))
    revisions = models.PositiveSmallIntegerField(_("revisions"), default=0)
    features = models.JSONField(_("included"), default=list, blank=True)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.UniqueConstraint(fields=["service", "level"], name="catalog_tier_level_unique"),
            models.CheckConstraint(condition=Q(price__gt=0), name="catalog_tier_price_positive"),
            models.CheckConstraint(
                condition=Q(delivery_days__gte=1), name="catalog_tier_delivery_positive"
            ),
        ]

    def __str__(self):
        return f"{self.service_id} · {self.display_name}"

    @property
    def display_name(self) -> str:
        return self.name or self.get_level_display()


class ServiceExtra(models.Model):
    """A paid add-on: faster delivery (``days_saved``), more revisions, or something else."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="extras")
    title = models.CharField(_("title"), max_length=80)
    price = amount_field(_("price"))
    days_saved = models.PositiveSmallIntegerField(_("days saved"), default=0)
    extra_revisions = models.PositiveSmallIntegerField(_("extra revisions"), default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("extra")
        verbose_name_plural = _("extras")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="catalog_extra_price_positive"),
        ]

    def __str__(self):
        return self.title


class ServiceFaq(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"), max_length=2000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["position", "id"]

    def __str__(self):
        return self.question


class ServiceStatusChange(models.Model):
    """History: who moved a service from which status to which, when and why."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.service_id}: {self.from_status} → {self.to_status}"


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    CONTRACTED = "contracted", _("Contract started")
    CANCELLED = "cancelled", _("Cancelled")


ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PLACED: frozenset({OrderStatus.CONTRACTED, OrderStatus.CANCELLED}),
    OrderStatus.CONTRACTED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


class ServiceOrder(models.Model):
    """A buyer's order of one tier with extras, frozen at the moment it was placed.

    ``tier_*``, ``features`` and ``extras`` are copies, never references, so editing or deleting
    tiers and extras later does not change what was bought. ``total`` = tier price + extras, in
    ``currency``. Unique per (buyer, idempotency key): a replayed request returns this row.

    The contract seam: ``contract_id`` is empty until the contracts app turns the order into a
    contract and records the contract's id here (status ``placed`` → ``contracted``, through
    ``services.service_order_contract_attach``). No money moves at this stage.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_orders"
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_sales"
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    service_title = models.CharField(_("service"), max_length=120)
    tier_level = models.CharField(_("tier"), max_length=10, choices=Level.choices)
    tier_name = models.CharField(_("tier name"), max_length=40)
    tier_price = amount_field(_("tier price"))
    features = models.JSONField(_("included"), default=list)
    extras = models.JSONField(_("extras"), default=list)
    delivery_days = models.PositiveSmallIntegerField(_("delivery (days)"))
    revisions = models.PositiveSmallIntegerField(_("revisions"))
    total = amount_field(_("total"))
    currency = currency_field()
    contract_id = models.PositiveBigIntegerField(_("contract"), null=True, blank=True)
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"], name="catalog_order_idempotency_unique"
            ),
            models.CheckConstraint(condition=Q(total__gt=0), name="catalog_order_total_positive"),
            models.CheckConstraint(
                condition=~Q(buyer=models.F("seller")), name="catalog_order_not_own_service"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.service_title} ({self.get_tier_level_display()})"


class ServiceOrderStatusChange(models.Model):
    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=OrderStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=OrderStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("order status change")
        verbose_name_plural = _("order status changes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.order_id}: {self.from_status} → {self.to_status}"
