"""Finnish business ID (Y-tunnus): seven digits, a hyphen and a check digit, ``NNNNNNN-C``.

The check digit: multiply the seven digits by 7, 9, 10, 5, 8, 4, 2 and sum; with the sum's
remainder mod 11 being 0 the check digit is 0, 1 never happens in a valid ID, otherwise it is
11 minus the remainder. Old IDs of six digits ("123456-7") are the same number with a leading
zero and are accepted in that form.
"""

from __future__ import annotations

import re

from contacts.errors import InvalidInput

WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
_SHAPE = re.compile(r"(\d{6,7})-(\d)|(\d{7})(\d)")


def check_digit(body: str) -> int | None:
    """The check digit for a seven-digit body, or None if no valid ID has that body."""
    if len(body) != 7 or not body.isascii() or not body.isdigit():
        raise ValueError("the body of a business ID is seven digits")
    remainder = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def normalise_business_id(raw: str) -> str:
    """``NNNNNNN-C`` for a valid ID; surrounding spaces, an 8-digit run and old 6-digit IDs
    are accepted. Anything else raises InvalidInput(field="business_id")."""
    candidate = "".join(raw.split()).translate(_DASHES)
    if not candidate:
        raise InvalidInput("Business ID is required.", field="business_id")
    match = _SHAPE.fullmatch(candidate) if candidate.isascii() else None
    if match is None:
        raise InvalidInput(
            "Business ID must look like 1234567-8 (seven digits, a hyphen, a check digit).",
            field="business_id",
        )
    body = (match.group(1) or match.group(3)).zfill(7)
    given = int(match.group(2) or match.group(4))
    expected = check_digit(body)
    if expected is None or expected != given:
        raise InvalidInput(
            "Business ID is not valid: the check digit does not match.", field="business_id"
        )
    return f"{body}-{given}"


def is_valid_business_id(raw: str) -> bool:
    try:
        normalise_business_id(raw)
    except InvalidInput:
        return False
    return True
