"""Forms for project pages. They only shape input; the rules live in ``services.py``."""

from itertools import groupby

from django import forms
from django.utils.translation import gettext_lazy as _

from jiedan.core.i18n import lazy_interpolated
from jiedan.core.money import Currency
from jiedan.taxonomy.models import Category, Skill

from .models import MAX_SCREENING_QUESTIONS, BudgetType, Duration, Project, Visibility, WorkMode
from .selectors import (
    MAX_DISTANCE_KM,
    InvalidFilter,
    PostedWithin,
    ProjectFilters,
    Sort,
    project_filters,
)
from .services import ProjectDetails


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What should be delivered, and how will you judge it is done?"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.order_by("slug"), required=False
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.filter(is_active=True).order_by("slug"),
        required=False,
    )
    budget_type = forms.ChoiceField(label=_("Budget type"), choices=BudgetType.choices)
    budget_min = forms.DecimalField(label=_("Budget from"), required=False, decimal_places=2)
    budget_max = forms.DecimalField(label=_("Budget up to"), required=False, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expected_duration = forms.ChoiceField(
        label=_("Expected duration"),
        choices=[("", "—"), *Duration.choices],
        required=False,
    )
    work_mode = forms.ChoiceField(label=_("Where the work happens"), choices=WorkMode.choices)
    city = forms.CharField(label=_("City (on-site work)"), max_length=80, required=False)
    radius_km = forms.IntegerField(
        label=_("Radius in km (on-site work)"), required=False, min_value=1, max_value=500
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    screening_questions = forms.CharField(
        label=_("Screening questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=lazy_interpolated(
            _("One question per line, at most %(count)s."), {"count": MAX_SCREENING_QUESTIONS}
        ),
    )

    @classmethod
    def for_project(cls, data=None, *, project: Project | None = None):
        if project is None or data is not None:
            return cls(data)
        initial = {
            name: getattr(project, name)
            for name in (
                "title",
                "description",
                "category",
                "budget_type",
                "budget_min",
                "budget_max",
                "currency",
                "deadline",
                "expected_duration",
                "work_mode",
                "city",
                "radius_km",
                "visibility",
            )
        }
        initial["skills"] = list(project.skills.all())
        initial["screening_questions"] = "\n".join(project.screening_questions)
        return cls(initial=initial)

    def add_error_message(self, message) -> None:
        self.add_error(None, message)

    def details(self) -> ProjectDetails:
        data = self.cleaned_data
        return ProjectDetails(
            title=data["title"],
            description=data["description"],
            category_id=data["category"].pk if data["category"] else None,
            skill_ids=[skill.pk for skill in data["skills"]],
            budget_type=data["budget_type"],
            budget_min=data["budget_min"],
            budget_max=data["budget_max"],
            currency=data["currency"],
            deadline=data["deadline"],
            expected_duration=data["expected_duration"],
            work_mode=data["work_mode"],
            city=data["city"],
            radius_km=data["radius_km"],
            visibility=data["visibility"],
            screening_questions=data["screening_questions"].splitlines(),
        )


FACET_FIELDS = ("category", "budget_type", "work_mode", "posted_within")


class ProjectFilterForm(forms.Form):
    """The browse page's filters. The field names are the query parameters of the page and of
    ``GET /api/v1/projects``; the rules are checked once, in ``selectors.project_filters``.
    A bad page link (cursor) is not an error: the first page is shown with a notice."""

    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 企业网站, logo")}),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("", _("Best match for a search, else newest")), *Sort.choices],
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    skills = forms.MultipleChoiceField(
        label=_("Skills"),
        required=False,
        help_text=_("Projects that need any of the chosen skills."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    budget_type = forms.ChoiceField(
        label=_("Budget type"), required=False, choices=[("", _("Any")), *BudgetType.choices]
    )
    currency = forms.ChoiceField(
        label=_("Currency"), required=False, choices=[("", _("Any")), *Currency.choices]
    )
    budget_min = forms.DecimalField(label=_("Budget from"), required=False, max_digits=14)
    budget_max = forms.DecimalField(label=_("Budget up to"), required=False, max_digits=14)
    posted_within = forms.ChoiceField(
        label=_("Posted within"), required=False, choices=[("", _("Any")), *PostedWithin.choices]
    )
    work_mode = forms.ChoiceField(
        label=_("Where the work happens"),
        required=False,
        choices=[("", _("Any")), *WorkMode.choices],
    )
    near = forms.CharField(
        label=_("Near city"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 杭州")}),
        help_text=_("On-site projects only."),
    )
    distance_km = forms.IntegerField(
        label=_("Within (km)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_DISTANCE_KM, "step": 10}),
    )
    client_verified = forms.BooleanField(label=_("Verified clients only"), required=False)
    client_rating_min = forms.DecimalField(
        label=_("Client rating at least"),
        required=False,
        max_digits=3,
        widget=forms.NumberInput(attrs={"min": 0, "max": 5, "step": "0.5"}),
    )
    cursor = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notices: list[str] = []
        categories = Category.objects.order_by("position", "id")
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.slug, category.name) for category in categories
        ]
        skills = (
            Skill.objects.filter(is_active=True)
            .select_related("category")
            .order_by("category__position", "category_id", "slug")
        )
        self.fields["skills"].choices = [
            (category.name, [(skill.slug, skill.name) for skill in group])
            for category, group in groupby(skills, key=lambda skill: skill.category)
        ]

    def _filters(self, data, *, cursor: str | None) -> ProjectFilters:
        return project_filters(
            query=data["q"],
            category=data["category"],
            skills=data["skills"],
            budget_type=data["budget_type"],
            currency=data["currency"],
            budget_min=data["budget_min"],
            budget_max=data["budget_max"],
            posted_within=data["posted_within"],
            work_mode=data["work_mode"],
            near=data["near"],
            distance_km=data["distance_km"],
            client_verified=data["client_verified"],
            client_rating_min=data["client_rating_min"],
            sort=data["sort"],
            cursor=cursor,
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["filters"] = self._filters(data, cursor=data["cursor"])
        except InvalidFilter as error:
            if error.field != "cursor":
                self.add_error(error.field if error.field in self.fields else None, error.message)
                return data
            self.notices.append(error.message)
            data["filters"] = self._filters(data, cursor=None)
        return data

    @property
    def facet_fields(self) -> list:
        """The filters the page shows with counts (shown plainly when the input is invalid)."""
        return [self[name] for name in FACET_FIELDS]

    @property
    def other_filter_fields(self) -> list:
        skip = {"q", "sort", "cursor", *FACET_FIELDS}
        return [self[name] for name in self.fields if name not in skip]

    @property
    def filtering(self) -> bool:
        """Whether any filter of the folding panel was sent (the panel then starts open)."""
        return any(
            self.data.get(name) for name in self.fields if name not in ("q", "sort", "cursor")
        )

    def filters(self) -> ProjectFilters | None:
        """The checked filters, or None when some input is invalid (the page then shows the
        errors next to the fields and lists nothing rather than ignoring a filter)."""
        return self.cleaned_data["filters"] if self.is_valid() else None
