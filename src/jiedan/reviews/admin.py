"""Back office for reviews: the moderators' queue of reported reviews, and the reviews.

Moderators (``content.moderate``) keep a reported review (its open reports close as kept) or
hide it with a reason its author and subject will read (through ``services``, which check the
capability again). Nothing here is edited by hand, and the private rating and feedback an
author left for the platform appear on no screen: they feed only aggregate figures.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import DomainError

from . import services
from .models import Review, ReviewReport

PUBLIC_REVIEW_FIELDS = [
    "contract",
    "author",
    "subject",
    "author_role",
    "rating",
    "quality",
    "communication",
    "timeliness",
    "professionalism",
    "clarity",
    "responsiveness",
    "payment",
    "text",
    "created_at",
    "revealed_at",
    "reply",
    "replied_at",
    "hidden_at",
    "hidden_by",
    "hidden_reason",
]


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the review is hidden (its author and subject read this)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=1000,
    )


def _hide(modeladmin, request, queryset, review_ids: list[int]):
    """Ask for the reason on an intermediate page, then hide each review with it."""
    form = HideForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        hidden = 0
        for review_id in review_ids:
            try:
                services.review_hide(
                    moderator=request.user, review_id=review_id, reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                modeladmin.message_user(request, error.message, messages.WARNING)
            else:
                hidden += 1
        modeladmin.message_user(
            request, _("Reviews hidden: %(count)s") % {"count": hidden}, messages.SUCCESS
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Hide reviews"),
        "opts": modeladmin.model._meta,
        "form": form,
        "objects": queryset,
        "action": request.POST.get("action"),
        "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/reviews/hide.html", context)


def _keep(modeladmin, request, review_ids: list[int]):
    closed = sum(
        services.review_keep(moderator=request.user, review_id=review_id)
        for review_id in review_ids
    )
    modeladmin.message_user(
        request, _("Reports closed, reviews kept: %(count)s") % {"count": closed}, messages.SUCCESS
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewReport)
class ReviewReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "status", "reporter", "reason", "review_rating", "review"]
    list_filter = ["status"]
    list_select_related = ["reporter", "review"]
    ordering = ["-status", "created_at"]
    fields = readonly_fields = [
        "status",
        "reporter",
        "reason",
        "created_at",
        "review",
        "review_text",
        "review_hidden_reason",
        "closed_at",
        "closed_by",
    ]
    actions = ["keep_reviews", "hide_reviews"]

    @admin.display(description=_("rating"))
    def review_rating(self, report):
        return report.review.rating

    @admin.display(description=_("text of the review"))
    def review_text(self, report):
        return report.review.text or "—"

    @admin.display(description=_("why it was hidden"))
    def review_hidden_reason(self, report):
        return report.review.hidden_reason or "—"

    def _review_ids(self, queryset) -> list[int]:
        return sorted(set(queryset.values_list("review_id", flat=True)))

    @admin.action(description=_("Keep the reported reviews (close the reports)"))
    def keep_reviews(self, request, queryset):
        _keep(self, request, self._review_ids(queryset))

    @admin.action(description=_("Hide the reported reviews…"))
    def hide_reviews(self, request, queryset):
        return _hide(self, request, queryset, self._review_ids(queryset))


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["id", "contract", "author", "subject", "rating", "revealed_at", "hidden_at"]
    list_filter = ["author_role", "rating"]
    list_select_related = ["contract", "author", "subject"]
    search_fields = ["text", "contract__title"]
    fields = readonly_fields = PUBLIC_REVIEW_FIELDS
    actions = ["hide_reviews"]

    @admin.action(description=_("Hide the selected reviews…"))
    def hide_reviews(self, request, queryset):
        return _hide(self, request, queryset, sorted(queryset.values_list("pk", flat=True)))
