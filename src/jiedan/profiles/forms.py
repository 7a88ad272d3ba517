from django import forms
from django.utils.translation import gettext_lazy as _

from jiedan.core.i18n import lazy_interpolated
from jiedan.core.money import Currency
from jiedan.reputation.formulas import Level
from jiedan.taxonomy.models import Category, Skill

from .models import (
    MAX_PROFILE_SKILLS,
    Availability,
    FreelancerProfile,
    PortfolioItem,
    ServiceMode,
    SpokenLanguage,
    Visibility,
)
from .selectors import FreelancerFilters, FreelancerSort


class ProfileDetailsForm(forms.Form):
    headline = forms.CharField(
        label=_("Headline"),
        max_length=120,
        required=False,
        help_text=_("One line clients read first, e.g. “Brand designer for tea and food shops”."),
    )
    bio = forms.CharField(
        label=_("About me"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you do, for whom, and how you work. Do not include contact details."),
    )
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate"), required=False, min_value=1, max_digits=12, decimal_places=2
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages I work in"),
        choices=SpokenLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    city = forms.CharField(label=_("City"), max_length=80, required=False)
    service_mode = forms.ChoiceField(label=_("Where I work"), choices=ServiceMode.choices)
    service_radius_km = forms.IntegerField(
        label=_("How far I travel (km)"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_("Only for in-person work."),
    )
    availability = forms.ChoiceField(label=_("Availability"), choices=Availability.choices)
    years_experience = forms.IntegerField(
        label=_("Years of experience"), min_value=0, max_value=80, initial=0
    )
    visibility = forms.ChoiceField(label=_("Who can see my profile"), choices=Visibility.choices)
    allow_promotion = forms.BooleanField(
        label=_("The platform may feature my portfolio in its promotion"), required=False
    )

    @classmethod
    def for_profile(cls, profile: FreelancerProfile, data=None):
        fields = list(cls.base_fields)
        return cls(data, initial={name: getattr(profile, name) for name in fields})


class ContactsForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    wechat_id = forms.CharField(label=_("WeChat ID"), max_length=40, required=False)
    qq = forms.CharField(label=_("QQ"), max_length=20, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)


class AvatarForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"), help_text=_("JPEG, PNG or WebP, at most 5 MB. Cropped to a square.")
    )


class SkillChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SkillsForm(forms.Form):
    skills = SkillChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.filter(is_active=True).select_related("category"),
        required=False,
        help_text=lazy_interpolated(
            _("At most %(count)s. New skills are added at the end; reorder them below."),
            {"count": MAX_PROFILE_SKILLS},
        ),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )


class CertificationForm(forms.Form):
    name = forms.CharField(label=_("Certificate"), max_length=120)
    issuer = forms.CharField(label=_("Issued by"), max_length=120, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100, required=False)
    url = forms.URLField(label=_("Link to verify"), required=False, assume_scheme="https")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PortfolioItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    challenge = forms.CharField(
        label=_("The challenge"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What did the client need, and what made it hard?"),
    )
    solution = forms.CharField(
        label=_("What I did"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    result = forms.CharField(
        label=_("The result"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Numbers help: “orders up by a third in two months”."),
    )
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False
    )
    skills = SkillChoiceField(
        label=_("Skills used"),
        queryset=Skill.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    @classmethod
    def for_item(cls, item: PortfolioItem, data=None):
        initial = {
            "title": item.title,
            "challenge": item.challenge,
            "solution": item.solution,
            "result": item.result,
            "category": item.category_id,
            "skills": [skill.pk for skill in item.skills.all()],
        }
        return cls(data, initial=initial)


class PortfolioFileForm(forms.Form):
    file = forms.FileField(
        label=_("Add an image or document"),
        help_text=_(
            "Images (JPEG, PNG, WebP, GIF) get a watermarked preview; PDF and ZIP stay private."
        ),
    )


class ClientProfileForm(forms.Form):
    company_name = forms.CharField(
        label=_("Company or display name"), max_length=120, required=False
    )
    about = forms.CharField(
        label=_("About"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    city = forms.CharField(label=_("City"), max_length=80, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")


class FreelancerFilterForm(forms.Form):
    """The freelancer search's filters (GET). Invalid values are ignored, never an error page."""

    q = forms.CharField(
        label=_("What do you need?"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 企业网站, logo")}),
    )
    rating_min = forms.DecimalField(
        label=_("Rating at least"),
        min_value=0,
        max_value=5,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.1"}),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[
            ("", _("Any level")),
            (Level.RISING, _("Rising talent or top rated")),
            (Level.TOP_RATED, _("Top rated")),
        ],
        required=False,
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=FreelancerSort.CHOICES, required=False)

    def filters(self) -> FreelancerFilters:
        self.is_valid()
        data = self.cleaned_data
        query = (data.get("q") or "").strip()
        default = FreelancerSort.RELEVANCE if query else FreelancerSort.RATING
        return FreelancerFilters(
            query=query,
            rating_min=data.get("rating_min"),
            level=data.get("level") or "",
            sort=data.get("sort") or default,
        )
