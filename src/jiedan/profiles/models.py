"""Freelancer and client profiles, and freelancers' portfolios.

A profile is the freelancer's shop window. Contact details (phone, WeChat, QQ, e-mail) are
encrypted at rest and never shown publicly: people talk on the platform. ``visibility``
decides who may see the profile at all, and ``allow_promotion`` is the explicit opt-in before
the platform may feature the portfolio in its own promotion.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedan.core.crypto import EncryptedTextField
from jiedan.core.money import amount_field, currency_field
from jiedan.core.storage import private_storage
from jiedan.taxonomy.models import Category, Skill

MAX_PROFILE_SKILLS = 15
SEARCH_KIND = "freelancer"  # the kind of search document a listed freelancer is indexed as
MAX_PORTFOLIO_ITEMS = 30
MAX_FILES_PER_ITEM = 8
RATING_MIN, RATING_MAX = Decimal(0), Decimal(5)  # a client's average rating from reviews


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone, including search engines")
    SIGNED_IN = "signed_in", _("Only signed-in members")
    HIDDEN = "hidden", _("Hidden: only me")


class ServiceMode(models.TextChoices):
    REMOTE = "remote", _("Remote only")
    LOCAL = "local", _("In person only")
    BOTH = "both", _("Remote and in person")


class Availability(models.TextChoices):
    FULL_TIME = "full_time", _("Full time (30+ hours a week)")
    PART_TIME = "part_time", _("Part time (up to 30 hours a week)")
    AS_NEEDED = "as_needed", _("As needed")
    UNAVAILABLE = "unavailable", _("Not taking new work")


class SpokenLanguage(models.TextChoices):
    MANDARIN = "zh", _("Mandarin Chinese")
    CANTONESE = "yue", _("Cantonese")
    ENGLISH = "en", _("English")
    JAPANESE = "ja", _("Japanese")
    KOREAN = "ko", _("Korean")
    FRENCH = "fr", _("French")
    GERMAN = "de", _("German")
    SPANISH = "es", _("Spanish")
    RUSSIAN = "ru", _("Russian")
    ARABIC = "ar", _("Arabic")


def avatar_path(instance, filename):
    return f"avatars/{instance.user_id}/{filename}"


class FreelancerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="freelancer_profile"
    )
    headline = models.CharField(_("headline"), max_length=120, blank=True)
    bio = models.TextField(_("about me"), max_length=5000, blank=True)
    avatar = models.ImageField(_("photo"), upload_to=avatar_path, blank=True)
    hourly_rate = amount_field(_("hourly rate"), null=True, blank=True)
    currency = currency_field()
    languages = models.JSONField(_("languages"), default=list, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    service_mode = models.CharField(
        _("where I work"), max_length=10, choices=ServiceMode.choices, default=ServiceMode.REMOTE
    )
    service_radius_km = models.PositiveSmallIntegerField(
        _("service radius (km)"), null=True, blank=True
    )
    availability = models.CharField(
        _("availability"),
        max_length=12,
        choices=Availability.choices,
        default=Availability.AS_NEEDED,
    )
    years_experience = models.PositiveSmallIntegerField(_("years of experience"), default=0)
    visibility = models.CharField(
        _("who can see my profile"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    allow_promotion = models.BooleanField(
        _("the platform may feature my portfolio in its promotion"), default=False
    )
    phone = EncryptedTextField(_("phone"), blank=True)
    wechat_id = EncryptedTextField(_("WeChat ID"), blank=True)
    qq = EncryptedTextField(_("QQ"), blank=True)
    contact_email = EncryptedTextField(_("contact e-mail"), blank=True)
    skills = models.ManyToManyField(Skill, through="ProfileSkill", related_name="freelancers")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("freelancer profile")
        verbose_name_plural = _("freelancer profiles")
        indexes = [models.Index(fields=["visibility", "availability"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hourly_rate__isnull=True) | models.Q(hourly_rate__gt=0),
                name="profiles_hourly_rate_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(years_experience__lte=80), name="profiles_years_plausible"
            ),
        ]

    def __str__(self):
        return self.headline or str(self.user)

    @property
    def language_labels(self) -> list[str]:
        labels = dict(SpokenLanguage.choices)
        return [str(labels[code]) for code in self.languages if code in labels]


class ProfileSkill(models.Model):
    """A skill on a profile, in the order the freelancer chose (at most ``MAX_PROFILE_SKILLS``)."""

    profile = models.ForeignKey(FreelancerProfile, on_delete=models.CASCADE)
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="profiles_skill_once")
        ]

    def __str__(self):
        return str(self.skill)


class Certification(models.Model):
    profile = models.ForeignKey(
        FreelancerProfile, on_delete=models.CASCADE, related_name="certifications"
    )
    name = models.CharField(_("certificate"), max_length=120)
    issuer = models.CharField(_("issued by"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    url = models.URLField(_("link to verify"), blank=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["-year", "id"]

    def __str__(self):
        return self.name


class PortfolioItem(models.Model):
    """One piece of past work, told as challenge, solution and result."""

    profile = models.ForeignKey(
        FreelancerProfile, on_delete=models.CASCADE, related_name="portfolio_items"
    )
    title = models.CharField(_("title"), max_length=120)
    challenge = models.TextField(_("the challenge"), max_length=2000, blank=True)
    solution = models.TextField(_("what I did"), max_length=4000, blank=True)
    result = models.TextField(_("the result"), max_length=2000, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("category")
    )
    skills = models.ManyToManyField(Skill, blank=True, verbose_name=_("skills"))
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("portfolio item")
        verbose_name_plural = _("portfolio items")
        ordering = ["position", "-created_at", "-id"]

    def __str__(self):
        return self.title


def portfolio_original_path(instance, filename):
    return f"portfolio/{instance.item.profile.user_id}/{instance.item_id}/{filename}"


def portfolio_preview_path(instance, filename):
    return f"portfolio-previews/{instance.item.profile.user_id}/{instance.item_id}/{filename}"


class PortfolioFile(models.Model):
    """An upload on a portfolio item. The original is private to its owner; images also get a
    downscaled, watermarked public preview."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        DOCUMENT = "document", _("Document")

    item = models.ForeignKey(PortfolioItem, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    original = models.FileField(storage=private_storage, upload_to=portfolio_original_path)
    preview = models.ImageField(upload_to=portfolio_preview_path, blank=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("portfolio file")
        verbose_name_plural = _("portfolio files")
        ordering = ["position", "id"]

    def __str__(self):
        return self.original_name


class ClientProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_profile"
    )
    company_name = models.CharField(_("company or display name"), max_length=120, blank=True)
    about = models.TextField(_("about"), max_length=3000, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    website = models.URLField(_("website"), blank=True)
    # Maintained by the reviews feature from freelancers' reviews of this client; empty until
    # the first review. Project search filters on it ("client rating at least N").
    rating_average = models.DecimalField(
        _("average rating"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
        help_text=_("From 0 to 5, kept up to date from reviews."),
    )
    rating_count = models.PositiveIntegerField(_("number of ratings"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("client profile")
        verbose_name_plural = _("client profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating_average__isnull=True)
                | models.Q(rating_average__gte=RATING_MIN, rating_average__lte=RATING_MAX),
                name="profiles_client_rating_in_range",
            ),
        ]

    def __str__(self):
        return self.company_name or str(self.user)
