"""Encryption at rest and ``manage.py encryption_rotate``."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from jiedan.core import crypto
from jiedan.verification.models import IdentitySubmission
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def _stored(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT real_name, id_number FROM verification_identitysubmission WHERE id = %s", [pk]
        )
        return cursor.fetchone()


def _submission(user, **fields) -> IdentitySubmission:
    """A row written straight through the ORM (the service is not under test here)."""
    return IdentitySubmission.objects.create(
        user=user,
        document_type="passport",
        real_name=fields.get("real_name", "李四"),
        id_number=fields.get("id_number", "E12345678"),
        document="identity/none.png",
        status=fields.get("status", "approved"),
    )


def test_rotation_moves_every_value_to_the_newest_key(settings):
    # given values written with key A
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    first = _submission(UserFactory(), real_name="李四", id_number="E12345678")
    second = _submission(UserFactory(), real_name="Jane Roe", id_number="X98765432")
    before = _stored(first.pk)
    # when key B is put in front and the command runs
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out = io.StringIO()
    call_command("encryption_rotate", "--batch-size", "1", stdout=out)
    assert "verification.IdentitySubmission.id_number: 2" in out.getvalue()
    assert _stored(first.pk) != before
    # then with B alone every value still decrypts
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert IdentitySubmission.objects.get(pk=first.pk).real_name == "李四"
    assert IdentitySubmission.objects.get(pk=second.pk).id_number == "X98765432"
    # and with A alone none does
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    for pk in (first.pk, second.pk):
        with pytest.raises(ValueError):
            IdentitySubmission.objects.get(pk=pk)
        for stored in _stored(pk):
            with pytest.raises(ValueError):
                crypto.decrypt(stored)


def test_rotation_does_not_touch_other_columns_or_run_save(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    row = _submission(UserFactory())
    submitted_at = IdentitySubmission.objects.get(pk=row.pk).submitted_at
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    call_command("encryption_rotate", stdout=io.StringIO())
    fresh = IdentitySubmission.objects.get(pk=row.pk)
    assert (fresh.status, fresh.submitted_at, fresh.document.name) == (
        "approved",
        submitted_at,
        "identity/none.png",
    )


def test_rotation_is_repeatable(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    row = _submission(UserFactory())
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    call_command("encryption_rotate", stdout=io.StringIO())
    call_command("encryption_rotate", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert IdentitySubmission.objects.get(pk=row.pk).id_number == "E12345678"


def test_plain_text_is_never_stored(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    row = _submission(UserFactory(), real_name="王五", id_number="G11223344")
    name, number = _stored(row.pk)
    assert "王五" not in name and "G11223344" not in number
    assert name.startswith(crypto.PREFIX) and number.startswith(crypto.PREFIX)
