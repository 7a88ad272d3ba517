"""Categories and skills, each named in Chinese and English, with aliases in either language.

Shipped as data (``taxonomy/data/taxonomy.json``, loaded by migration and by
``manage.py taxonomy_load``) and editable by admins. Search, profiles, services and matching
all refer to these rows.

Every row carries ``updated_at``: the in-memory lookup index (``lookup.py``) compares the row
counts, highest ids and latest ``updated_at`` of the three tables to notice any change, from
any process. Code that writes with ``QuerySet.update()`` or ``bulk_update()`` (which skip
``auto_now``) must set ``updated_at`` itself.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedan.core.i18n import localized


class Category(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_local_service = models.BooleanField(
        _("local service"), default=False, help_text=_("Done in person, within a service radius.")
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class Skill(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="skills", verbose_name=_("category")
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True)
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("related skills")
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["category__position", "id"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class SkillAlias(models.Model):
    """Another way people say a skill (建站, web dev); stored normalised for lookup
    (``text.normalize_term``: NFKC, lower case, single spaces)."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(_("alias"), max_length=80)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(fields=["skill", "text"], name="taxonomy_alias_unique")
        ]
        indexes = [models.Index(fields=["text"])]

    def __str__(self):
        return self.text
