from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NAME_MAX_LENGTH, EmailAlerts


class SavedSearchForm(forms.Form):
    """Name and e-mail choice of a saved search (its criteria come from the project list)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("Leave empty to name it after the search words."),
    )
    email_alerts = forms.ChoiceField(
        label=_("E-mail me new matches"), choices=EmailAlerts.choices, initial=EmailAlerts.DAILY
    )
