from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Feature, ProjectReport, QueueStatus, SourceKind


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why is this action wrong?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class ProjectReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=ProjectReport.Reason.choices)
    note = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *SourceKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Not decided")), *QueueStatus.choices, ("all", _("All"))],
    )


DECISION_LABELS = {
    "dismiss": _("Dismiss: nothing wrong"),
    "warn": _("Warn the person"),
    "require_verification": _("Require identity verification"),
    "require_mfa": _("Require two-factor authentication"),
    "hold_payouts": _("Hold payouts"),
    "restrict": _("Restrict features"),
    "suspend": _("Suspend the account"),
    "keep": _("Keep the review"),
    "hide": _("Hide the review"),
    "approve": _("Approve the verification"),
    "reject": _("Reject the verification"),
    "uphold": _("Uphold the appeal and lift the action"),
    "decline": _("Decline the appeal"),
}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"))
    reason = forms.CharField(
        label=_("Reason (the person reads it when an action is taken)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    features = forms.MultipleChoiceField(
        label=_("Features to restrict"),
        required=False,
        choices=Feature.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [(d, DECISION_LABELS[d]) for d in decisions]


class LiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Why lift it (the person reads this)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
