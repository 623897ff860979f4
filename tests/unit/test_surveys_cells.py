"""Spreadsheet cells from respondents never run as formulas."""

from __future__ import annotations

import pytest
from surveys.exports.domain import safe_cell


@pytest.mark.parametrize(
    "text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\r=1", '=HYPERLINK("x")']
)
def test_formula_like_text_gets_a_leading_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-5", "-2.5", "plain", "", "a=b", 7, None])
def test_plain_values_and_negative_numbers_stay_as_they_are(value: object) -> None:
    assert safe_cell(value) == value
