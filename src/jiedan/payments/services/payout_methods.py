"""Payout methods: the Alipay accounts and bank accounts a person's withdrawals go to.

The details are checked, then stored encrypted; only the last four characters of the account
are kept in the clear, and that is all anyone is shown. A person has at most
``MAX_ACTIVE_METHODS`` and not the same account twice. Removing a method keeps its row for
the withdrawals that went to it; anyone else's method is "not found".
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput, NotFound
from jiedan.payments.models import PayoutMethod
from jiedan.trust.hooks import feature_ensure, risk_event

from .common import signed_in

Kind = PayoutMethod.Kind
MAX_ACTIVE_METHODS = 10
NAME_MAX_LENGTH = 60
MOBILE = re.compile(r"1[3-9]\d{9}")
ACCOUNT_NUMBER = re.compile(r"\d{8,30}")


def _text(value: str, *, minimum: int, code: str, message) -> str:
    text = " ".join((value or "").split())
    if not minimum <= len(text) <= NAME_MAX_LENGTH or not text.isprintable():
        raise InvalidInput(message, code=code)
    return text


def _alipay_account(value: str) -> tuple[str, str]:
    """An Alipay account is a mainland mobile number or an e-mail address; (account, last4)."""
    text = (value or "").strip()
    digits = re.sub(r"[\s-]", "", text)
    if MOBILE.fullmatch(digits):
        return digits, digits[-4:]
    try:
        validate_email(text)
    except ValidationError as error:
        raise InvalidInput(
            _("Enter the mobile number or e-mail address of the Alipay account."),
            code="payout_account_invalid",
        ) from error
    local = text.rsplit("@", 1)[0]
    return text.lower(), local[-4:].rjust(4, "•")


def _bank_account(value: str) -> tuple[str, str]:
    digits = re.sub(r"[\s-]", "", value or "")
    if not ACCOUNT_NUMBER.fullmatch(digits):
        raise InvalidInput(
            _("Enter the account number: 8 to 30 digits."), code="payout_account_invalid"
        )
    return digits, digits[-4:]


def _fingerprint(kind: str, account: str) -> str:
    key = f"jiedan-payout-method:{settings.SECRET_KEY}".encode()
    return hmac.new(key, f"{kind}:{account}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def payout_method_add(
    *, user, kind: str, holder_name: str, account: str, bank_name: str = ""
) -> PayoutMethod:
    """Add a payout method after checking every detail; nothing is stored when one is wrong."""
    signed_in(user)
    feature_ensure(user, "payout_methods")
    if kind not in Kind.values:
        raise InvalidInput(_("Choose Alipay or a bank account."), code="payout_method_kind")
    holder = _text(
        holder_name, minimum=1, code="holder_name_invalid", message=_("Enter the account holder.")
    )
    if kind == Kind.ALIPAY:
        number, last4 = _alipay_account(account)
        bank = ""
    else:
        number, last4 = _bank_account(account)
        bank = _text(bank_name, minimum=2, code="bank_name_invalid", message=_("Enter the bank."))
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one add at a time
    active = PayoutMethod.objects.filter(user=user, removed_at__isnull=True)
    if active.count() >= MAX_ACTIVE_METHODS:
        raise Conflict(
            _("You can keep at most %(count)s payout methods. Remove one first.")
            % {"count": MAX_ACTIVE_METHODS},
            code="too_many_payout_methods",
        )
    fingerprint = _fingerprint(kind, number)
    if active.filter(fingerprint=fingerprint).exists():
        raise Conflict(
            _("This account is already one of your payout methods."),
            code="payout_method_exists",
        )
    risk_event("payout_method.added", user)
    return PayoutMethod.objects.create(
        user=user,
        kind=kind,
        holder_name=holder,
        account=number,
        bank_name=bank,
        last4=last4,
        fingerprint=fingerprint,
    )


@transaction.atomic
def payout_method_remove(*, user, method_id: int) -> PayoutMethod:
    """Stop offering a payout method; its past withdrawals keep pointing at it."""
    signed_in(user)
    method = (
        PayoutMethod.objects.select_for_update()
        .filter(pk=method_id, user=user, removed_at__isnull=True)
        .first()
    )
    if method is None:
        raise NotFound(_("No such payout method."), code="payout_method_not_found")
    method.removed_at = timezone.now()
    method.save(update_fields=["removed_at"])
    return method
