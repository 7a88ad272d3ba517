"""Web forms for verification. They check shape only; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentType


class IdentityForm(forms.Form):
    document_type = forms.ChoiceField(
        label=_("Document type"), choices=DocumentType.choices, initial=DocumentType.CN_RESIDENT_ID
    )
    real_name = forms.CharField(
        label=_("Real name, as on the document"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        help_text=_("Resident ID: 18 characters, the last may be X."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    document = forms.FileField(
        label=_("Photo of the document"),
        help_text=_("JPEG, PNG or WebP, up to 8 MB. Only our verification staff can see it."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class ReviewDecision:
    APPROVE = "approve"
    REJECT = "reject"
    CHOICES = [(APPROVE, _("Approve")), (REJECT, _("Reject"))]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ReviewDecision.CHOICES, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (required to reject; the person will read it)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DocumentAccessForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see the document?"),
        max_length=500,
        help_text=_("Recorded with your name and the time."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttemptForm(forms.Form):
    """One radio group per drawn question, named ``q<question id>``; every answer is optional."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questions, start=1):
            self.fields[f"q{question.id}"] = forms.TypedChoiceField(
                label=f"{number}. {question.text}",
                choices=[(choice.id, choice.text) for choice in question.choices],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial=question.chosen_id,
            )

    def answers(self) -> dict[int, int]:
        return {
            int(name[1:]): value for name, value in self.cleaned_data.items() if value is not None
        }
