from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import AccessTokenScope, User


class AccountSettingsForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("Shown to people you work with. Leave empty to use your e-mail name."),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", _("Follow my browser")), *list(settings.LANGUAGES)],
        required=False,
        help_text=_("Used for pages and for e-mails we send you."),
    )


class ModeForm(forms.Form):
    mode = forms.ChoiceField(choices=User.Mode.choices)


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("For example “my phone” or “deploy script”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=AccessTokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[AccessTokenScope.READ],
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[
            (30, _("in 30 days")),
            (90, _("in 90 days")),
            (366, _("in a year")),
            ("", _("never")),
        ],
        initial=90,
    )
