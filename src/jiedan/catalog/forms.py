"""Web forms for the catalogue. They check the shape of the input; the business rules live in
``services.py`` and come back as domain errors that the views show on the form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import Currency
from jiedan.taxonomy.models import Category, Skill

from .models import LEVEL_ORDER, MAX_DELIVERY_DAYS, MAX_EXTRAS, MAX_FAQS, MAX_REVISIONS, Level
from .selectors import ServiceFilters, Sort
from .services import ExtraDetails, FaqDetails, ServiceDetails, TierDetails

BLANK_ROWS = 2


def _decimal(label, **kwargs):
    return forms.DecimalField(
        label=label, min_value=0, max_digits=14, decimal_places=2, required=False, **kwargs
    )


class ServiceFilterForm(forms.Form):
    """The browse page's filters (GET). Invalid values are ignored, never an error page."""

    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 企业网站, logo")}),
    )

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All categories"),
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[("", _("Any currency")), *Currency.choices], required=False
    )
    min_price = _decimal(_("Starting price from"))
    max_price = _decimal(_("Starting price up to"))
    max_days = forms.IntegerField(
        label=_("Delivered within (days)"), min_value=1, max_value=MAX_DELIVERY_DAYS, required=False
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=Sort.CHOICES, required=False)

    def filters(self) -> ServiceFilters:
        self.is_valid()
        data = self.cleaned_data
        category = data.get("category")
        query = (data.get("q") or "").strip()
        return ServiceFilters(
            query=query,
            category=category.slug if category else None,
            currency=data.get("currency") or None,
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            max_days=data.get("max_days"),
            sort=data.get("sort") or (Sort.RELEVANCE if query else Sort.NEWEST),
        )


class ServiceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you do, what the buyer gets, and what you need from them."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Optional. JPEG, PNG or WebP up to 5 MB; shown as a square."),
    )


class TierForm(forms.Form):
    """One tier. Left completely empty, the tier is not offered."""

    name = forms.CharField(label=_("Name"), max_length=40, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=200, required=False)
    price = _decimal(_("Price"))
    delivery_days = forms.IntegerField(
        label=_("Delivery (days)"), min_value=1, max_value=MAX_DELIVERY_DAYS, required=False
    )
    revisions = forms.IntegerField(
        label=_("Revisions"), min_value=0, max_value=MAX_REVISIONS, required=False
    )
    features = forms.CharField(
        label=_("Included (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) not in (None, "") for name in self.fields)

    def clean(self):
        data = super().clean()
        if not self.is_blank():
            for name in ("price", "delivery_days"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Needed for this tier."))
        return data

    def details(self, level: str) -> TierDetails | None:
        if self.is_blank():
            return None
        data = self.cleaned_data
        return TierDetails(
            level=level,
            name=data["name"],
            summary=data["summary"],
            price=data["price"],
            delivery_days=data["delivery_days"],
            revisions=data["revisions"] or 0,
            features=data["features"].splitlines(),
        )


class ExtraForm(forms.Form):
    title = forms.CharField(label=_("Extra"), max_length=80, required=False)
    price = _decimal(_("Price"))
    days_saved = forms.IntegerField(
        label=_("Days saved"), min_value=0, max_value=MAX_DELIVERY_DAYS - 1, required=False
    )
    extra_revisions = forms.IntegerField(
        label=_("Extra revisions"), min_value=0, max_value=MAX_REVISIONS, required=False
    )

    def clean(self):
        data = super().clean()
        if any(value not in (None, "") for value in data.values()):
            for name in ("title", "price"):
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, _("Needed for this extra."))
        return data

    def details(self) -> ExtraDetails | None:
        data = self.cleaned_data
        if not data.get("title"):
            return None
        return ExtraDetails(
            title=data["title"],
            price=data["price"],
            days_saved=data["days_saved"] or 0,
            extra_revisions=data["extra_revisions"] or 0,
        )


class FaqForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=200, required=False)
    answer = forms.CharField(
        label=_("Answer"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("question")) != bool(data.get("answer")):
            raise ValidationError(_("Give both a question and its answer, or leave both empty."))
        return data

    def details(self) -> FaqDetails | None:
        data = self.cleaned_data
        if not data.get("question"):
            return None
        return FaqDetails(question=data["question"], answer=data["answer"])


def _formset(form_class, *, maximum: int, initial: list[dict], data, prefix: str):
    blank = max(0, min(BLANK_ROWS, maximum - len(initial)))
    formset_class = forms.formset_factory(
        form_class, extra=blank, max_num=maximum, absolute_max=maximum, validate_max=True
    )
    return formset_class(data, initial=initial, prefix=prefix)


class ServiceEditor:
    """The whole editing page: the service, three tiers, extras and FAQ, as one form that
    works without JavaScript (empty rows are ignored; clear a row to remove it)."""

    def __init__(self, data=None, files=None, *, service=None):
        initial, tiers, extras, faqs = {}, {}, [], []
        if service is not None:
            initial = {
                "title": service.title,
                "description": service.description,
                "category": service.category_id,
                "skills": [skill.pk for skill in service.skills.all()],
                "currency": service.currency,
            }
            tiers = {
                tier.level: {
                    "name": tier.name,
                    "summary": tier.summary,
                    "price": tier.price,
                    "delivery_days": tier.delivery_days,
                    "revisions": tier.revisions,
                    "features": "\n".join(tier.features),
                }
                for tier in service.tiers.all()
            }
            extras = [
                {
                    "title": extra.title,
                    "price": extra.price,
                    "days_saved": extra.days_saved,
                    "extra_revisions": extra.extra_revisions,
                }
                for extra in service.extras.all()
            ]
            faqs = [{"question": faq.question, "answer": faq.answer} for faq in service.faqs.all()]
        self.service = ServiceForm(data, files, initial=initial)
        self.tiers = [
            (Level(level), TierForm(data, prefix=f"tier-{level}", initial=tiers.get(level)))
            for level in LEVEL_ORDER
        ]
        self.extras = _formset(
            ExtraForm, maximum=MAX_EXTRAS, initial=extras, data=data, prefix="extra"
        )
        self.faqs = _formset(FaqForm, maximum=MAX_FAQS, initial=faqs, data=data, prefix="faq")

    def is_valid(self) -> bool:
        parts = [self.service, *(form for _level, form in self.tiers), self.extras, self.faqs]
        results = [part.is_valid() for part in parts]  # every part, so all errors show at once
        return all(results)

    def add_error(self, message) -> None:
        self.service.add_error(None, message)

    @property
    def cover(self):
        return self.service.cleaned_data.get("cover") or None

    def details(self) -> ServiceDetails:
        data = self.service.cleaned_data
        tiers = [form.details(level) for level, form in self.tiers]
        return ServiceDetails(
            title=data["title"],
            description=data["description"],
            category_id=data["category"].pk if data["category"] else None,
            skill_ids=[skill.pk for skill in data["skills"]],
            currency=data["currency"],
            tiers=[tier for tier in tiers if tier is not None],
            extras=[d for form in self.extras.forms if (d := form.details()) is not None],
            faqs=[d for form in self.faqs.forms if (d := form.details()) is not None],
        )


class IdListField(forms.Field):
    """Repeated ``name=<id>`` values, such as ticked checkboxes."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return [int(item) for item in value or []]
        except (TypeError, ValueError) as error:
            raise ValidationError(_("Choose extras from the list.")) from error


class OrderChoiceForm(forms.Form):
    """The tier and extras a buyer picked on the service page."""

    tier = forms.ChoiceField(label=_("Tier"), choices=Level.choices)
    extras = IdListField(required=False)


class OrderConfirmForm(OrderChoiceForm):
    """The checkout page's "place order" button: the quote the buyer saw and a one-time key,
    so a double click or a resubmitted page gives the same order, and a price change stops."""

    expected_total = forms.DecimalField(max_digits=14, decimal_places=2, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)


class ModerationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the owner will see it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class OrderCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)
