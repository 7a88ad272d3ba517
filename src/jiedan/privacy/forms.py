from django import forms
from django.utils.translation import gettext_lazy as _

from jiedan.profiles.models import Visibility


class PrivacySettingsForm(forms.Form):
    """The privacy page. Visibility and promotion appear only for people with a freelancer
    profile (they belong to it)."""

    visibility = forms.ChoiceField(label=_("Who can see my profile"), choices=Visibility.choices)
    allow_promotion = forms.BooleanField(
        label=_("The platform may feature my portfolio in its promotion"), required=False
    )
    allow_recommendations = forms.BooleanField(
        label=_("Recommend my profile to clients for their projects"), required=False
    )
    share_phone = forms.BooleanField(label=_("Phone"), required=False)
    share_wechat_id = forms.BooleanField(label=_("WeChat ID"), required=False)
    share_qq = forms.BooleanField(label=_("QQ"), required=False)
    share_contact_email = forms.BooleanField(label=_("Contact e-mail"), required=False)

    def __init__(self, *args, has_profile: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_profile:
            del self.fields["visibility"]
            del self.fields["allow_promotion"]


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."), required=True)
