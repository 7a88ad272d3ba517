"""Identity numbers: resident IDs (format, birth date, ISO 7064 MOD 11-2) and passports."""

import pytest

from jiedan.core.errors import InvalidInput
from jiedan.verification.models import DocumentType
from jiedan.verification.services import id_number_normalize, resident_id_check_digit

RESIDENT = DocumentType.CN_RESIDENT_ID
PASSPORT = DocumentType.PASSPORT


@pytest.mark.parametrize(
    ("document_type", "given", "expected"),
    [
        (RESIDENT, "11010519491231002X", "11010519491231002X"),
        (RESIDENT, "11010519491231002x", "11010519491231002X"),  # lower-case x accepted
        (RESIDENT, " 110105 19491231 002X ", "11010519491231002X"),  # spaces dropped
        (RESIDENT, "440524188001010014", None),  # born 1880: before 1900
        (RESIDENT, "11010519491231002", None),  # 17 characters
        (RESIDENT, "11010519491231002XX", None),  # 19 characters
        (RESIDENT, "110105194912310021", None),  # wrong check digit
        (RESIDENT, "11010519491231002Y", None),  # only X may end it
        (RESIDENT, "01010519491231002X", None),  # region code cannot start with 0
        (RESIDENT, "1101051949123A002X", None),  # a letter inside
        (RESIDENT, "", None),
        (RESIDENT, "１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),  # full-width
        (RESIDENT, "11010519491231002٣", None),  # a non-ASCII digit
        (PASSPORT, "E12345678", "E12345678"),
        (PASSPORT, "e1234 5678", "E12345678"),
        (PASSPORT, "1234", None),  # too short
        (PASSPORT, "E1234-5678", None),  # punctuation
        (PASSPORT, "A" * 21, None),  # too long
        ("driving_licence", "E12345678", None),  # unknown document type
    ],
)
def test_id_number_validation_table(document_type, given, expected):
    if expected is None:
        with pytest.raises(InvalidInput):
            id_number_normalize(document_type=document_type, number=given)
    else:
        assert id_number_normalize(document_type=document_type, number=given) == expected


@pytest.mark.parametrize("first17", ["11010519491231002", "44052419800101001", "32010219900307123"])
def test_every_check_digit_but_the_right_one_is_refused(first17):
    # given the right check character for 17 digits
    right = resident_id_check_digit(first17)
    # then that one passes and all ten others fail
    assert id_number_normalize(document_type=RESIDENT, number=first17 + right)
    for wrong in set("0123456789X") - {right}:
        with pytest.raises(InvalidInput) as error:
            id_number_normalize(document_type=RESIDENT, number=first17 + wrong)
        assert error.value.code == "id_number_checksum"


@pytest.mark.parametrize("birth", ["19490230", "19491301", "29990101"])
def test_impossible_or_future_birth_dates_are_refused(birth):
    first17 = "110105" + birth + "002"
    number = first17 + resident_id_check_digit(first17)
    with pytest.raises(InvalidInput) as error:
        id_number_normalize(document_type=RESIDENT, number=number)
    assert error.value.code == "id_number_birth_date"
