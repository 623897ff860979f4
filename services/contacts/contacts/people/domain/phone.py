"""Phone numbers to E.164 ("+358401234567") without a phone-number library.

Accepted: international numbers written with "+" or "00" ("+358 40 123 4567",
"00358401234567", also "+358 (0)40 ...") and national numbers of ``default_country`` with
their trunk prefix ("040 123 4567"). Spaces, hyphens, dots, slashes and parentheses are
ignored; letters and anything else are refused. Lengths are checked against E.164 (at most 15
digits) and, for Finland (+358, which Åland shares), against the Finnish numbering plan's
national lengths. Whether a number is in service is not (and cannot be) checked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contacts.errors import InvalidInput

MAX_E164_DIGITS = 15
MIN_E164_DIGITS = 8


@dataclass(frozen=True)
class _Country:
    calling_code: str
    trunk_prefix: str  # dialled before national numbers at home; "" where there is none
    min_national: int
    max_national: int


# Countries that national numbers may belong to. Lengths are of the national significant
# number (without the trunk prefix).
_COUNTRIES: dict[str, _Country] = {
    "FI": _Country("358", "0", 6, 12),
    "AX": _Country("358", "0", 6, 12),
    "SE": _Country("46", "0", 7, 13),
    "EE": _Country("372", "", 7, 10),
    "NO": _Country("47", "", 8, 8),
    "DK": _Country("45", "", 8, 8),
    "DE": _Country("49", "0", 6, 13),
    "GB": _Country("44", "0", 9, 10),
}
_FINLAND = _COUNTRIES["FI"]
_SEPARATORS = re.compile(r"[\s\-./()\u2010-\u2015]")
_ZERO_IN_PARENS = re.compile(r"\(\s*0\s*\)")


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, field="phone")


def normalise_phone(raw: str, default_country: str = "FI") -> str:
    """E.164 form of ``raw``; national numbers are read as ``default_country``'s."""
    text = raw.strip()
    if not text:
        raise _refuse("Phone number is required.")
    if any(ch.isalpha() for ch in text):
        raise _refuse("Phone number must not contain letters.")

    international = text.startswith("+")
    if international:
        text = text[1:]
    compact = _SEPARATORS.sub("", _ZERO_IN_PARENS.sub("", text) if international else text)
    if not compact.isascii() or not compact.isdigit():
        raise _refuse("Phone number may contain only digits, spaces, '+', '-', '(' and ')'.")
    if not international and compact.startswith("00"):
        international, compact = True, compact[2:]

    if not international:
        return _national(compact, default_country)
    if compact.startswith("0"):
        raise _refuse("Country code is missing after '+' or '00'.")
    if compact.startswith(_FINLAND.calling_code):
        national = compact[len(_FINLAND.calling_code) :]
        return _finish(_FINLAND, national.removeprefix("0"))  # "+358 040 ..." is a common slip
    if not MIN_E164_DIGITS <= len(compact) <= MAX_E164_DIGITS:
        raise _refuse(_length_message(len(compact) < MIN_E164_DIGITS))
    return "+" + compact


def _national(digits: str, default_country: str) -> str:
    country = _COUNTRIES.get(default_country.upper())
    if country is None:
        raise InvalidInput(
            f"Phone numbers without a country code are not supported for {default_country!r}.",
            field="country",
        )
    if country.trunk_prefix:
        if not digits.startswith(country.trunk_prefix):
            raise _refuse(
                f"Phone number must start with {country.trunk_prefix} or with a country code "
                f"(+{country.calling_code})."
            )
        digits = digits[len(country.trunk_prefix) :]
    return _finish(country, digits)


def _finish(country: _Country, national: str) -> str:
    if national.startswith("0"):
        raise _refuse("Phone number has too many leading zeros.")
    if len(national) < country.min_national:
        raise _refuse(_length_message(True))
    total = len(country.calling_code) + len(national)
    if len(national) > country.max_national or total > MAX_E164_DIGITS:
        raise _refuse(_length_message(False))
    return "+" + country.calling_code + national


def _length_message(too_short: bool) -> str:
    return "Phone number is too short." if too_short else "Phone number is too long."
