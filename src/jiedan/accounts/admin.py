"""Back office for accounts. What each staff member sees follows the roles matrix (``roles``).

Staff roles are granted here by people holding ``roles.manage``; nobody else can change them,
and nobody can tick individual Django permissions (the matrix is the only source of powers).
"""

from allauth.account.admin import EmailAddressAdmin
from allauth.account.decorators import secure_admin_login
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from . import roles, services
from .models import PersonalAccessToken, User

# Staff sign in through the site's own login, so two-factor authentication, e-mail
# verification, rate limits and lockouts apply to the back office too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Jiedan back office")
admin.site.site_title = _("Jiedan back office")
admin.site.index_title = _("Back office")


class RolesListFilter(admin.SimpleListFilter):
    title = _("staff role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return roles.Role.choices

    def queryset(self, request, queryset):
        if self.value() in roles.Role.values:
            return queryset.filter(groups__name=self.value(), is_staff=True)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["email", "display_name", "mode", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "mode", RolesListFilter]
    search_fields = ["email", "display_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "mode", "language"]}),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
        (_("Staff roles"), {"fields": ["is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]
    filter_horizontal = ["groups"]

    def get_readonly_fields(self, request, obj=None):
        """Who may edit what on an account page.

        - Staff roles change only by someone holding ``roles.manage``, and never their own.
        - Another staff member's identity (e-mail, name, status) changes only by a superuser.
        - ``is_superuser`` changes only by a superuser.
        """
        fields = list(super().get_readonly_fields(request, obj))
        actor = request.user
        if not roles.user_can(actor, "roles.manage") or (obj is not None and obj.pk == actor.pk):
            fields += ["is_staff", "is_superuser", "groups"]
        if not actor.is_superuser:
            fields.append("is_superuser")
            if obj is not None and obj.is_staff:
                fields += ["email", "display_name", "mode", "language", "is_active"]
        return list(dict.fromkeys(fields))

    def save_model(self, request, obj, form, change):
        """A corrected e-mail address goes through ``user_email_change`` so the sign-in address,
        password resets and verification all move to it together."""
        new_email = obj.email
        if change and "email" in form.changed_data:
            obj.email = form.initial["email"]
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            services.user_email_change(user_id=obj.pk, email=new_email, request=request)
            obj.email = new_email

    def user_change_password(self, request, id, form_url=""):
        """Only superusers set passwords; staff send people a reset link instead."""
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def has_change_permission(self, request, obj=None):
        # Only a superuser may edit a superuser: otherwise holding ``accounts.manage`` would be
        # enough to take one over (change its e-mail address or password) and gain everything.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=roles.Role.values)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__email", "name", "prefix"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
    ]
    fields = [*readonly_fields, "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        # Revocation is final: a revoked secret may have leaked, so it must never work again.
        if obj is not None and obj.revoked_at is not None:
            return [*self.readonly_fields, "revoked_at"]
        return self.readonly_fields

    def has_add_permission(self, request):
        return False


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(admin.ModelAdmin):
    """Roles are fixed by code; the back office shows who holds each, nothing to edit."""

    list_display = ["name", "member_count"]
    fields = ["name"]
    readonly_fields = ["name"]

    def get_queryset(self, request):
        active_staff = Q(user__is_staff=True, user__is_active=True)
        return (
            super()
            .get_queryset(request)
            .filter(name__in=roles.Role.values)
            .annotate(members=Count("user", filter=active_staff))
        )

    @admin.display(description=_("members"), ordering="members")
    def member_count(self, obj):
        return obj.members

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class ReadOnlyEmailAddressAdmin(EmailAddressAdmin):
    """E-mail addresses are seen here, never edited: an edited address would let staff reset
    someone else's password. Corrections go through the user page (``user_email_change``)."""

    actions = []

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
