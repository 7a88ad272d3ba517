"""Forms of the assistants' pages. They shape input; the rules live in ``assistants``."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiedan.core.money import DEFAULT_CURRENCY, Currency
from jiedan.projects.models import BudgetType, Duration
from jiedan.taxonomy.models import Category, Skill

from .assistants.brief import NEED_MAX_CHARS, Brief
from .assistants.pricing import TEXT_MAX_CHARS

MILESTONE_ROWS = 5


@dataclass(frozen=True)
class PricingAsk:
    """What a price range is asked for."""

    text: str
    currency: str
    category: Category | None
    budget_type: str = BudgetType.FIXED


def _category(value) -> Category | None:
    """A category by id (the project form) or slug (the pricing page and the API)."""
    value = str(value or "").strip()
    if not value:
        return None
    lookup = {"pk": int(value)} if value.isdigit() else {"slug": value[:60]}
    return Category.objects.filter(**lookup).first()


def pricing_ask(values: Mapping) -> PricingAsk:
    """From the project form's fields (title, description, category id, currency, budget
    type) or the pricing page's (text, category slug, currency); unknown values are left out."""
    text = values.get("text") or "\n".join(
        str(values.get(name) or "") for name in ("title", "description")
    )
    currency = values.get("currency")
    budget_type = values.get("budget_type") or BudgetType.FIXED
    return PricingAsk(
        text=str(text).strip()[:TEXT_MAX_CHARS],
        currency=currency if currency in Currency.values else DEFAULT_CURRENCY,
        category=_category(values.get("category")),
        budget_type=budget_type if budget_type in BudgetType.values else BudgetType.FIXED,
    )


class PricingForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What is the work?"),
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("A title and a few sentences, in Chinese or English."),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.order_by("position", "id"),
        to_field_name="slug",
        required=False,
    )
    currency = forms.ChoiceField(
        label=gettext_lazy("Currency"), choices=Currency.choices, initial=DEFAULT_CURRENCY
    )

    def ask(self) -> PricingAsk:
        data = self.cleaned_data
        return PricingAsk(text=data["text"], currency=data["currency"], category=data["category"])


class BriefNeedForm(forms.Form):
    need = forms.CharField(
        label=gettext_lazy("What do you need?"),
        max_length=NEED_MAX_CHARS,
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "placeholder": gettext_lazy("e.g. 需要做个企业网站，有产品展示和在线留言"),
            }
        ),
        help_text=gettext_lazy(
            "In your own words, Chinese or English: what, for whom, and any must-haves."
        ),
    )
    currency = forms.ChoiceField(
        label=gettext_lazy("Currency"), choices=Currency.choices, initial=DEFAULT_CURRENCY
    )
    budget = forms.DecimalField(
        label=gettext_lazy("Budget, if you know it"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )


def _percent_field(row: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Milestone %(n)s: share (%%)") % {"n": row},
        min_value=1,
        max_value=100,
        required=False,
    )


class BriefForm(forms.Form):
    """The proposed brief as the client edits it before opening the post form."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=NEED_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.order_by("position", "id"),
        required=False,
    )
    skills = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Skills"),
        queryset=Skill.objects.filter(is_active=True).order_by("category__position", "slug"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    deliverables = forms.CharField(
        label=gettext_lazy("Deliverables checklist"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=gettext_lazy("One per line: what you receive at the end."),
    )
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), choices=Currency.choices)
    budget_min = forms.DecimalField(
        label=gettext_lazy("Budget from"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )
    budget_max = forms.DecimalField(
        label=gettext_lazy("Budget up to"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )
    expected_duration = forms.ChoiceField(
        label=gettext_lazy("Expected duration"),
        choices=[("", "—"), *Duration.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(1, MILESTONE_ROWS + 1):
            self.fields[f"milestone_{row}_title"] = forms.CharField(
                label=_("Milestone %(n)s") % {"n": row}, max_length=200, required=False
            )
            self.fields[f"milestone_{row}_percent"] = _percent_field(row)

    @classmethod
    def for_brief(cls, brief: Brief) -> "BriefForm":
        """Starting values from a proposed brief: the budget the client gave, else the range
        of comparable projects, else none."""
        low = high = None
        if brief.budget_given:
            low = high = brief.budget
        elif brief.pricing is not None:
            low, high = brief.pricing.low, brief.pricing.high
        initial = {
            "title": brief.title,
            "description": brief.need,
            "category": brief.category.pk if brief.category else None,
            "skills": [skill.pk for skill in brief.skills],
            "deliverables": "\n".join(brief.deliverables),
            "currency": brief.currency,
            "budget_min": low,
            "budget_max": high,
            "expected_duration": brief.expected_duration,
        }
        for row, milestone in enumerate(brief.milestones[:MILESTONE_ROWS], start=1):
            initial[f"milestone_{row}_title"] = milestone.title
            initial[f"milestone_{row}_percent"] = milestone.percent
        return cls(initial=initial)

    def main_fields(self) -> list:
        return [self[name] for name in self.fields if not name.startswith("milestone_")]

    def milestone_rows(self) -> list[tuple[int, list]]:
        return [
            (row, [self[f"milestone_{row}_title"], self[f"milestone_{row}_percent"]])
            for row in range(1, MILESTONE_ROWS + 1)
        ]

    def _milestones(self, data) -> list[tuple[str, int]]:
        lines = []
        for row in range(1, MILESTONE_ROWS + 1):
            title, percent = (
                data.get(f"milestone_{row}_title"),
                data.get(f"milestone_{row}_percent"),
            )
            if title or percent is not None:
                if not title or percent is None:
                    raise forms.ValidationError(_("Give every milestone a title and a share."))
                lines.append((title, percent))
        if lines and sum(percent for _title, percent in lines) != 100:
            raise forms.ValidationError(_("The milestone shares (in per cent) must add up to 100."))
        return lines

    def clean(self):
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and high < low:
            self.add_error("budget_max", _("The budget's upper end cannot be below its lower end."))
        try:
            data["milestones"] = self._milestones(data)
        except forms.ValidationError as error:
            self.add_error(None, error)
        return data

    def description_text(self) -> str:
        """The description with the checklist and the milestone split written out, as the
        project form has no fields of its own for them."""
        data = self.cleaned_data
        parts = [data["description"].strip()]
        items = [line.strip() for line in data["deliverables"].splitlines() if line.strip()]
        if items:
            parts.append("\n".join([_("Deliverables:"), *(f"- {item}" for item in items)]))
        if data["milestones"]:
            lines = [f"- {percent}% {title}" for title, percent in data["milestones"]]
            parts.append("\n".join([_("Payment by milestones:"), *lines]))
        return "\n\n".join(parts)[:10000]

    def project_initial(self) -> dict:
        """The post form's starting values (JSON-ready)."""
        data = self.cleaned_data
        money = {
            name: str(data[name]) if data[name] is not None else None
            for name in ("budget_min", "budget_max")
        }
        return {
            "title": data["title"],
            "description": self.description_text(),
            "category": data["category"].pk if data["category"] else None,
            "skills": [skill.pk for skill in data["skills"]],
            "budget_type": BudgetType.FIXED,
            "currency": data["currency"],
            "expected_duration": data["expected_duration"],
            **money,
        }
