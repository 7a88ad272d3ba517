"""Forms for contest pages. They only shape input; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiedan.core.i18n import lazy_interpolated
from jiedan.core.money import Currency
from jiedan.taxonomy.models import Category, Skill

from .models import (
    DEFAULT_JUDGING_DAYS,
    MAX_FILES_PER_ENTRY,
    MAX_JUDGING_DAYS,
    MAX_PLACES,
    MAX_RATING,
    MIN_RATING,
    Contest,
    EntryVisibility,
)
from .selectors import ContestFilters
from .services import NOTE_MAX_LENGTH, TITLE_MAX_LENGTH, ContestDetails

PRIZE_FIELDS = [f"prize_{place}" for place in range(1, MAX_PLACES + 1)]
PRIZE_LABELS = [_("First place prize"), _("Second place prize"), _("Third place prize")]


class ContestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    brief = forms.CharField(
        label=_("Brief"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What should entries show, in which formats, and how will you judge them?"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.order_by("slug"), required=False
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.filter(is_active=True).order_by("slug"),
        required=False,
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    prize_1 = forms.DecimalField(label=PRIZE_LABELS[0], required=False, decimal_places=2)
    prize_2 = forms.DecimalField(
        label=PRIZE_LABELS[1], required=False, decimal_places=2, help_text=_("Optional.")
    )
    prize_3 = forms.DecimalField(
        label=PRIZE_LABELS[2], required=False, decimal_places=2, help_text=_("Optional.")
    )
    entry_deadline = forms.DateTimeField(
        label=_("Entry deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    judging_days = forms.IntegerField(
        label=_("Judging period (days)"),
        initial=DEFAULT_JUDGING_DAYS,
        min_value=1,
        max_value=MAX_JUDGING_DAYS,
        help_text=_("After the deadline you have this long to pick the winners."),
    )
    entry_visibility = forms.ChoiceField(
        label=_("Who sees the entries"), choices=EntryVisibility.choices
    )

    @classmethod
    def for_contest(cls, data=None, *, contest: Contest | None = None):
        if contest is None or data is not None:
            return cls(data)
        initial = {
            name: getattr(contest, name)
            for name in (
                "title",
                "brief",
                "category",
                "currency",
                "entry_deadline",
                "judging_days",
                "entry_visibility",
            )
        }
        initial["skills"] = list(contest.skills.all())
        for prize in contest.prizes.all():
            initial[f"prize_{prize.place}"] = prize.amount
        return cls(initial=initial)

    def add_error_message(self, message) -> None:
        self.add_error(None, message)

    def details(self) -> ContestDetails:
        data = self.cleaned_data
        return ContestDetails(
            title=data["title"],
            brief=data["brief"],
            category_id=data["category"].pk if data["category"] else None,
            skill_ids=[skill.pk for skill in data["skills"]],
            currency=data["currency"],
            prizes=[data[name] for name in PRIZE_FIELDS],
            entry_deadline=data["entry_deadline"],
            judging_days=data["judging_days"],
            entry_visibility=data["entry_visibility"],
        )


class ContestFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = Category.objects.order_by("slug")
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.slug, category.name) for category in categories
        ]

    def filters(self) -> ContestFilters:
        if not self.is_valid():
            return ContestFilters()
        return ContestFilters(category=self.cleaned_data["category"] or None)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>``; the service checks them."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    note = forms.CharField(
        label=_("Note to the client"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=lazy_interpolated(
            _(
                "1 to %(count)s images (JPEG, PNG, WebP, GIF) or PDF/ZIP files. Others see only "
                "watermarked previews; the originals stay yours unless you win."
            ),
            {"count": MAX_FILES_PER_ENTRY},
        ),
    )

    def add_error_message(self, message) -> None:
        self.add_error(None, message)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(value, str(value)) for value in range(MIN_RATING, MAX_RATING + 1)],
    )


class AwardForm(forms.Form):
    """One choice of entry per place that valid entries can fill, first place first."""

    def __init__(self, data=None, *, places: int, entries):
        super().__init__(data)
        choices = [("", "—")] + [(entry.pk, f"#{entry.pk} {entry.title}") for entry in entries]
        for place, label in list(enumerate(PRIZE_LABELS, start=1))[: min(places, len(entries))]:
            self.fields[f"place_{place}"] = forms.TypedChoiceField(
                label=label, choices=choices, coerce=int
            )

    def entry_ids(self) -> list[int]:
        return [self.cleaned_data[name] for name in self.fields]
