"""Forms for writing a review (star ratings as radio groups, so they work without JavaScript),
replying to one and reporting one. The services check every rule again."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .labels import RATING_LABELS
from .models import (
    PRIVATE_RATING_MAX,
    RATING_MAX,
    RATING_MIN,
    REPLY_MAX_LENGTH,
    TEXT_MAX_LENGTH,
)
from .selectors import dimensions_of
from .services import REPORT_REASON_MAX_LENGTH, ReviewDetails


def star_choices() -> list[tuple[int, str]]:
    """1–5, each labelled in the active language ("3 stars")."""
    return [
        (n, ngettext("%(count)s star", "%(count)s stars", n) % {"count": n})
        for n in range(RATING_MIN, RATING_MAX + 1)
    ]


PRIVATE_CHOICES = [("", _("Rather not say"))] + [
    (n, str(n)) for n in range(0, PRIVATE_RATING_MAX + 1)
]


def _stars_field(name: str) -> forms.TypedChoiceField:
    field = forms.TypedChoiceField(
        label=RATING_LABELS[name], choices=star_choices(), coerce=int, widget=forms.RadioSelect
    )
    field.is_stars = True
    return field


class ReviewForm(forms.Form):
    """The overall rating and the dimensions of the author's side (``role``)."""

    text = forms.CharField(
        label=_("Your review (public)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was it like to work together? Shown on their profile."),
    )
    private_rating = forms.TypedChoiceField(
        label=_("Would you work together again? (0 = never, 10 = gladly)"),
        choices=PRIVATE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Only the platform sees this; it is never shown to them."),
    )
    private_feedback = forms.CharField(
        label=_("Private feedback to the platform"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the platform sees this; it is never shown to them."),
    )

    def __init__(self, *args, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimension_names = dimensions_of(role)
        stars = {name: _stars_field(name) for name in ("rating", *self.dimension_names)}
        self.fields = {**stars, **self.fields}

    def details(self) -> ReviewDetails:
        data = self.cleaned_data
        return ReviewDetails(
            rating=data["rating"],
            dimensions={name: data[name] for name in self.dimension_names},
            text=data["text"],
            private_rating=data["private_rating"],
            private_feedback=data["private_feedback"],
        )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your public reply"),
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this review?"),
        max_length=REPORT_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
