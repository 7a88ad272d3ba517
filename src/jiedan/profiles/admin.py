"""Back office for profiles. Contact details are not shown here: they are private to the
freelancer, and staff who need to reach someone use the account's e-mail."""

from django.contrib import admin

from .models import (
    Certification,
    ClientProfile,
    FreelancerProfile,
    PortfolioFile,
    PortfolioItem,
    ProfileSkill,
)


class ProfileSkillInline(admin.TabularInline):
    model = ProfileSkill
    extra = 0
    raw_id_fields = ["skill"]


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


@admin.register(FreelancerProfile)
class FreelancerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "headline", "visibility", "availability", "updated_at"]
    list_filter = ["visibility", "availability", "service_mode"]
    search_fields = ["user__email", "user__display_name", "headline"]
    list_select_related = ["user"]
    exclude = ["phone", "wechat_id", "qq", "contact_email"]
    readonly_fields = ["user"]
    inlines = [ProfileSkillInline, CertificationInline]


class PortfolioFileInline(admin.TabularInline):
    model = PortfolioFile
    extra = 0
    fields = ["kind", "original_name", "content_type", "size", "preview", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PortfolioItem)
class PortfolioItemAdmin(admin.ModelAdmin):
    list_display = ["title", "profile", "category", "created_at"]
    search_fields = ["title", "profile__user__email"]
    list_select_related = ["profile__user", "category"]
    readonly_fields = ["profile"]
    inlines = [PortfolioFileInline]


@admin.register(ClientProfile)
class ClientProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "company_name", "city", "updated_at"]
    search_fields = ["user__email", "company_name"]
    list_select_related = ["user"]
    readonly_fields = ["user"]
