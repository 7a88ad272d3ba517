"""Sensitive fields are encrypted at rest: raw rows (read with SQL, past the ORM) hold no
plain ID numbers, payout details or phone numbers, and after a key rotation with the old key
removed every value still reads back."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from jiedan.core import crypto
from jiedan.payments.models import PayoutMethod
from jiedan.profiles import services as profile_services
from jiedan.profiles.models import FreelancerProfile
from jiedan.verification.models import IdentitySubmission
from tests.factories import UserFactory
from tests.payments.factories import bank_method

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
PHONE, WECHAT = "13912345678", "wx_li_wei_88"
ACCOUNT, HOLDER = "6222020200112233", "李伟"
ID_NUMBER, REAL_NAME = "11010519491231002X", "张三丰"

RAW_COLUMNS = {
    "profiles_freelancerprofile": ("phone", "wechat_id"),
    "payments_payoutmethod": ("account", "holder_name"),
    "verification_identitysubmission": ("id_number", "real_name"),
}
PLAIN = (PHONE, WECHAT, ACCOUNT, HOLDER, ID_NUMBER, REAL_NAME)


def _raw_values() -> list[str]:
    """Every stored value of the sensitive columns, as the database holds it."""
    values = []
    with connection.cursor() as cursor:
        for table, columns in RAW_COLUMNS.items():
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")  # noqa: S608 - fixed names
            values += [value for row in cursor.fetchall() for value in row]
    return values


def _records():
    """A freelancer with contact details, a payout method and an identity submission."""
    person = UserFactory()
    profile_services.freelancer_profile_ensure(user=person)
    profile_services.freelancer_contacts_update(
        user=person, contacts=profile_services.ContactDetails(phone=PHONE, wechat_id=WECHAT)
    )
    method = bank_method(person, account=ACCOUNT)
    PayoutMethod.objects.filter(pk=method.pk).update(holder_name=HOLDER)
    submission = IdentitySubmission.objects.create(
        user=person,
        document_type="cn_resident_id",
        real_name=REAL_NAME,
        id_number=ID_NUMBER,
        document="identity/none.png",
    )
    return person, method, submission


def _read_back(person, method, submission) -> tuple:
    profile = FreelancerProfile.objects.get(user=person)
    method = PayoutMethod.objects.get(pk=method.pk)
    submission = IdentitySubmission.objects.get(pk=submission.pk)
    return (
        profile.phone,
        profile.wechat_id,
        method.account,
        method.holder_name,
        submission.id_number,
        submission.real_name,
    )


def test_raw_rows_hold_no_plain_text(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    records = _records()
    raw = _raw_values()
    assert len(raw) == 6 and all(value.startswith(crypto.PREFIX) for value in raw)
    assert not [plain for plain in PLAIN for value in raw if plain in value]
    assert _read_back(*records) == PLAIN


def test_after_rotation_the_old_key_can_go(settings):
    # given every sensitive value written with the old key
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    records = _records()
    before = _raw_values()
    # when the new key goes in front and the rotation runs (twice: it is repeatable)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    for _ in range(2):
        call_command("encryption_rotate", "--batch-size", "2", stdout=io.StringIO())
    after = _raw_values()
    assert not set(before) & set(after)
    # then with the old key removed every value still reads back, and none is plain
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert _read_back(*records) == PLAIN
    assert not [plain for plain in PLAIN for value in after if plain in value]
    # and the old key alone opens nothing any more
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    with pytest.raises(ValueError):
        _read_back(*records)
