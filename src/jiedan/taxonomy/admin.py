"""Back office for the taxonomy.

Who may edit: powers come only from the roles matrix (``accounts.roles``), which has no
taxonomy capability yet, so today only superusers see and edit these pages.

Names of shipped categories and skills come from ``data/taxonomy.json``: the next
``manage.py taxonomy_load`` overwrites an edited name, position or category (fix those in the
file). Aliases, relations, ``is_active`` and rows created here survive a load. Skills are
deactivated, never deleted, because profiles and services point at them. Aliases are stored
normalised (lower case, single spaces), the form which the lookup compares.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Category, Skill, SkillAlias
from .text import normalize_term

_SHIPPED_NOTE = _(
    "Names of shipped rows come from taxonomy.json: the next taxonomy load overwrites edits."
)


class SkillAliasForm(forms.ModelForm):
    class Meta:
        model = SkillAlias
        fields = ["skill", "text"]

    def clean_text(self):
        text = normalize_term(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("An alias cannot be empty."))
        return text


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "slug", "position", "is_local_service", "skill_count"]
    list_editable = ["position"]
    list_filter = ["is_local_service"]
    search_fields = ["name_zh", "name_en", "slug"]
    readonly_fields = ["updated_at"]
    fields = ["slug", "name_zh", "name_en", "position", "is_local_service", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_skill_count=Count("skills"))

    @admin.display(description=_("skills"), ordering="_skill_count")
    def skill_count(self, obj):
        url = reverse("admin:taxonomy_skill_changelist") + f"?category__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj._skill_count)

    def has_delete_permission(self, request, obj=None):
        # Skills and profiles point at categories; a category is emptied and kept, not deleted.
        return False


class SkillAliasInline(admin.TabularInline):
    model = SkillAlias
    form = SkillAliasForm
    fields = ["text"]
    extra = 1


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "slug", "category", "is_active", "alias_count"]
    list_filter = ["category", "is_active"]
    list_select_related = ["category"]
    search_fields = ["name_zh", "name_en", "slug", "aliases__text"]
    filter_horizontal = ["related"]
    inlines = [SkillAliasInline]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["slug", "name_zh", "name_en", "category"], "description": _SHIPPED_NOTE},
        ),
        (None, {"fields": ["is_active", "related", "updated_at"]}),
    ]
    actions = ["deactivate", "activate"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_alias_count=Count("aliases"))

    def get_search_results(self, request, queryset, search_term):
        # Aliases are stored normalised; search the way they are stored as well.
        return super().get_search_results(request, queryset, normalize_term(search_term))

    @admin.display(description=_("aliases"), ordering="_alias_count")
    def alias_count(self, obj):
        return obj._alias_count

    @admin.action(description=_("Deactivate the selected skills"), permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_active(queryset, False)

    @admin.action(description=_("Reactivate the selected skills"), permissions=["change"])
    def activate(self, request, queryset):
        self._set_active(queryset, True)

    def _set_active(self, queryset, value: bool):
        for skill in queryset:
            if skill.is_active != value:
                skill.is_active = value
                skill.save(update_fields=["is_active", "updated_at"])

    def has_delete_permission(self, request, obj=None):
        # Profiles, services and projects point at skills: deactivate instead.
        return False


@admin.register(SkillAlias)
class SkillAliasAdmin(admin.ModelAdmin):
    form = SkillAliasForm
    list_display = ["text", "skill", "skill_category"]
    list_select_related = ["skill__category"]
    list_filter = ["skill__category"]
    search_fields = ["text", "skill__name_zh", "skill__name_en", "skill__slug"]
    autocomplete_fields = ["skill"]

    @admin.display(description=_("category"), ordering="skill__category__position")
    def skill_category(self, obj):
        return obj.skill.category
