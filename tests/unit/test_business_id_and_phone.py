"""Business IDs (Y-tunnus) by their check digit; phone numbers to E.164."""

from __future__ import annotations

import pytest
from contacts.errors import InvalidInput
from contacts.organisations.domain.business_id import (
    check_digit,
    is_valid_business_id,
    normalise_business_id,
)
from contacts.people.domain.phone import normalise_phone

# Worked by hand with the weights 7, 9, 10, 5, 8, 4, 2:
#   0737546: 0+63+30+35+40+16+12 = 196, 196 mod 11 = 9, 11-9 = 2  -> 0737546-2
#   2617416: 14+54+10+35+32+4+12 = 161, 161 mod 11 = 7, 11-7 = 4  -> 2617416-4
#   1000002: 7+0+0+0+0+0+4 = 11, remainder 0                     -> 1000002-0
#   1000008: 7+0+0+0+0+0+16 = 23, remainder 1                    -> no valid ID
#   1234567: 7+18+30+20+40+24+14 = 153, 153 mod 11 = 10, 11-10 = 1 -> 1234567-1


@pytest.mark.parametrize(
    ("body", "expected"),
    [("0737546", 2), ("2617416", 4), ("1000002", 0), ("1000008", None), ("1234567", 1)],
)
def test_check_digit(body: str, expected: int | None) -> None:
    assert check_digit(body) == expected


@pytest.mark.parametrize("body", ["", "123456", "12345678", "123456a", "１２３４５６７"])
def test_check_digit_needs_seven_ascii_digits(body: str) -> None:
    with pytest.raises(ValueError, match="seven digits"):
        check_digit(body)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0737546-2", "0737546-2"),
        ("2617416-4", "2617416-4"),
        ("1000002-0", "1000002-0"),
        ("1234567-1", "1234567-1"),
        ("  2617416-4 ", "2617416-4"),
        ("2617416 - 4", "2617416-4"),
        ("2617416\u20134", "2617416-4"),  # an en dash from a word processor
        ("26174164", "2617416-4"),
        ("737546-2", "0737546-2"),  # the old six-digit form
    ],
)
def test_valid_business_ids_are_normalised(raw: str, expected: str) -> None:
    assert normalise_business_id(raw) == expected
    assert is_valid_business_id(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "0737546-3",  # wrong check digit
        "2617416-5",
        "1000008-0",  # remainder 1: no check digit makes this body valid
        "1000008-1",
        "1000008-9",
        "123456-7",  # six digits, and 0123456's check digit is not 7
        "12345-6",
        "12345678-9",
        "2617416-",
        "2617416-44",
        "2617416",
        "FI26174164",  # a VAT number, not a business ID
        "Y-2617416-4",
        "2617416/4",
        "٢٦١٧٤١٦-٤",  # Arabic-Indic digits
    ],
)
def test_invalid_business_ids_are_refused_with_the_field_named(raw: str) -> None:
    with pytest.raises(InvalidInput) as error:
        normalise_business_id(raw)
    assert error.value.field == "business_id"
    assert not is_valid_business_id(raw)


def test_every_check_digit_but_the_right_one_is_refused() -> None:
    for wrong in "013456789":
        with pytest.raises(InvalidInput):
            normalise_business_id(f"0737546-{wrong}")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("040 123 4567", "+358401234567"),
        ("+358 40 1234567", "+358401234567"),
        ("00358401234567", "+358401234567"),
        ("+358401234567", "+358401234567"),
        ("040-123 45 67", "+358401234567"),
        ("(040) 123 4567", "+358401234567"),
        ("+358 (0)40 123 4567", "+358401234567"),
        ("+358 040 123 4567", "+358401234567"),  # the stray trunk zero is dropped
        ("  050 987 6543  ", "+358509876543"),
        ("09 123 4567", "+35891234567"),  # Helsinki landline
        ("018 12345", "+3581812345"),  # Åland landline
        ("+46 70 123 45 67", "+46701234567"),
        ("0046 70 123 45 67", "+46701234567"),
        ("+1 (212) 555-0100", "+12125550100"),
        ("+372 5123 4567", "+37251234567"),
    ],
)
def test_phones_are_normalised_to_e164(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


def test_national_numbers_follow_the_default_country() -> None:
    assert normalise_phone("070-123 45 67", default_country="SE") == "+46701234567"
    assert normalise_phone("5123 4567", default_country="EE") == "+37251234567"
    assert normalise_phone("018 12345", default_country="AX") == "+3581812345"


def test_an_unsupported_default_country_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        normalise_phone("040 123 4567", default_country="ZZ")
    assert error.value.field == "country"
    # International numbers don't depend on the default country.
    assert normalise_phone("+358401234567", default_country="ZZ") == "+358401234567"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "040 ABC 4567",
        "040 123 4567 ext 2",
        "040 123 4567 x2",
        "040-123",  # too short
        "+358 40",
        "+358",
        "+",
        "00",
        "040 1234 5678 9012",  # too long for Finland
        "+1234567890123456",  # 16 digits: longer than E.164 allows
        "+1234567",  # 7 digits: too short for any full number
        "401234567",  # neither a trunk 0 nor a country code
        "+0401234567",
        "000358401234567",
        "++358401234567",
        "358+401234567",
        "040#1234567",
        "040 123 4567;",
        "０４０１２３４５６７",  # full-width digits
    ],
)
def test_bad_phones_are_refused_with_the_field_named(raw: str) -> None:
    with pytest.raises(InvalidInput) as error:
        normalise_phone(raw)
    assert error.value.field == "phone"
