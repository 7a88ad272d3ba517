"""Hostile input gets a clear error, never a server error."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from jiedan.core.errors import InvalidInput
from jiedan.core.images import image_check
from jiedan.core.money import money_quantize


@pytest.mark.parametrize("amount", ["1e30", "NaN", "Infinity", "abc", "999999999999999"])
def test_absurd_amounts_are_invalid_input(amount):
    with pytest.raises(InvalidInput):
        money_quantize(amount, "CNY")


def test_largest_storable_amount_still_quantizes():
    assert money_quantize("99999999999.99", "CNY") == Decimal("99999999999.99")


def test_truncated_image_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 10, 10)).save(buffer, format="JPEG")
    upload = SimpleUploadedFile("cut.jpg", buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(InvalidInput):
        image_check(upload)


@pytest.mark.django_db
def test_language_switch_with_a_broken_next_url_is_not_a_server_error():
    response = Client().post("/i18n/setlang/", {"language": "en", "next": "http://[/"})
    assert response.status_code == 302
