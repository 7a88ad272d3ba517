"""Forms for dispute pages. They only shape input; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DETAILS_MAX_LENGTH, NOTE_MAX_LENGTH, Outcome, Reason
from .services.mediation import REASON_MAX_LENGTH
from .services.negotiation import STATEMENT_MAX_LENGTH


def _amount(label, help_text=""):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


def _text(label, max_length, *, rows=4, required=True, help_text=""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class OpenForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    details = _text(
        _("What happened"),
        DETAILS_MAX_LENGTH,
        rows=6,
        help_text=_("The facts, with dates. The other party and, later, a mediator read this."),
    )
    desired_outcome = forms.ChoiceField(
        label=_("What you ask for"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    desired_freelancer_amount = _amount(
        _("For a split: the freelancer's part"),
        _("More than nothing and less than the whole amount; the client gets the rest."),
    )


class OfferForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Your offer"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    freelancer_amount = _amount(
        _("For a split: the freelancer's part"), _("The client gets the rest.")
    )
    note = _text(_("Note (optional)"), NOTE_MAX_LENGTH, rows=2, required=False)


class DeclineForm(forms.Form):
    note = _text(_("Why not (optional)"), NOTE_MAX_LENGTH, rows=2, required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("An image, PDF or ZIP file. Its SHA-256 fingerprint is kept with it."),
    )
    note = _text(
        _("Statement or note"),
        STATEMENT_MAX_LENGTH,
        rows=3,
        required=False,
        help_text=_("With a file: what it shows. Without one: your written statement."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("note") or "").strip():
            raise forms.ValidationError(_("Add a file or write a statement."))
        return data


class DecisionForm(forms.Form):
    freelancer_amount = forms.DecimalField(
        label=_("Paid to the freelancer"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("The client gets the rest back."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    reason = _text(
        _("Reason for the decision"),
        REASON_MAX_LENGTH,
        rows=5,
        help_text=_("Both parties read it."),
    )


class AssignForm(forms.Form):
    mediator = forms.ModelChoiceField(label=_("Mediator"), queryset=None)

    def __init__(self, *args, mediators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = mediators
        self.fields["mediator"].label_from_instance = lambda user: user.get_short_name()
