"""Forms of the wallet pages. They only shape input; the rules live in ``services``. Money
forms carry a hidden idempotency key made when the form is shown, so sending the same form
twice (a double click, a reload) does the thing once."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import Currency

from .models import KEY_MAX_LENGTH, PayoutMethod
from .selectors import STATEMENT_PURPOSES, StatementFilters
from .statement import kind_label

AMOUNT = {"max_digits": 12, "decimal_places": 2, "min_value": 0}
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def new_key() -> str:
    return uuid.uuid4().hex


class IdempotentForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=KEY_MAX_LENGTH)

    def __init__(self, data=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", new_key())
        super().__init__(data, **kwargs)


class TopUpForm(IdempotentForm):
    amount = forms.DecimalField(label=_("Amount to add"), **AMOUNT)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)


class RefundForm(IdempotentForm):
    amount = forms.DecimalField(label=_("Amount to refund"), **AMOUNT)


class WithdrawForm(IdempotentForm):
    method = forms.TypedChoiceField(label=_("Pay out to"), coerce=int)
    amount = forms.DecimalField(label=_("Amount to withdraw"), **AMOUNT)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    otp_code = forms.CharField(
        label=_("Authentication code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, data=None, *, methods, otp_help: str = "", **kwargs):
        super().__init__(data, **kwargs)
        self.fields["method"].choices = [(method.pk, str(method)) for method in methods]
        self.fields["otp_code"].help_text = otp_help


class PayoutMethodForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=PayoutMethod.Kind.choices, widget=forms.RadioSelect
    )
    holder_name = forms.CharField(label=_("Account holder"), max_length=60)
    account = forms.CharField(
        label=_("Account"),
        max_length=60,
        help_text=_("Alipay: mobile number or e-mail. Bank: the account number."),
    )
    bank_name = forms.CharField(
        label=_("Bank"), max_length=60, required=False, help_text=_("For a bank account.")
    )


class StatementFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    account = forms.ChoiceField(
        label=_("Account"),
        required=False,
        choices=[("", _("All accounts"))]
        + [(purpose.value, purpose.label) for purpose in STATEMENT_PURPOSES],
    )

    def __init__(self, data=None, *, kinds: list[str]):
        super().__init__(data)
        self.fields["kind"].choices = [("", _("All kinds"))] + [
            (kind, kind_label(kind)) for kind in kinds
        ]

    def filters(self) -> StatementFilters:
        if not self.is_valid():
            return StatementFilters()
        data = self.cleaned_data
        return StatementFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            kind=data["kind"],
            account=data["account"],
        )
