"""Forms for project pages. They only shape input; the rules live in ``services.py``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import Currency
from jiedan.taxonomy.models import Category, Skill

from .models import MAX_SCREENING_QUESTIONS, BudgetType, Duration, Project, Visibility, WorkMode
from .selectors import ProjectFilters
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
        help_text=_("One question per line, at most %(count)s.")
        % {"count": MAX_SCREENING_QUESTIONS},
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


class ProjectFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 企业网站, logo")}),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    budget_type = forms.ChoiceField(
        label=_("Budget type"), required=False, choices=[("", _("Any")), *BudgetType.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = Category.objects.order_by("slug")
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.slug, category.name) for category in categories
        ]

    def filters(self) -> ProjectFilters:
        if not self.is_valid():
            return ProjectFilters()
        return ProjectFilters(
            query=self.cleaned_data["q"].strip(),
            category=self.cleaned_data["category"] or None,
            budget_type=self.cleaned_data["budget_type"] or None,
        )
