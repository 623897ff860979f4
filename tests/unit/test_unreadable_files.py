"""Files the csv module or openpyxl cannot read are the uploader's error in words, never a 500."""

from __future__ import annotations

import csv
import io

import pytest
from contacts.errors import InvalidInput
from contacts.imports.service.importing import CSV_UNREADABLE, XLSX_DAMAGED, read_table
from contacts.onboarding.domain.group_members import parse_member_csv
from openpyxl import Workbook

HUGE = "x" * (csv.field_size_limit() + 10)


def _xlsx(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["email", "first_name"])
    for n in range(rows):
        sheet.append([f"p{n}@kirjasto.example", f"Nimi {n}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "body",
    [
        f'email,first_name\na@b.fi,"{HUGE}"\n',  # a field over the csv module's limit
        "email,first_name\na@b.fi,Aino\x00\n",  # a NUL byte
    ],
    ids=["field-over-limit", "nul"],
)
def test_an_unreadable_csv_is_refused_in_words(body: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_table(body.encode(), "people.csv")
    assert refused.value.message == CSV_UNREADABLE and refused.value.field == "file"


def test_a_truncated_xlsx_is_refused_in_words() -> None:
    whole = _xlsx(2000)
    assert len(read_table(whole, "people.xlsx").rows) == 2000
    for cut in (len(whole) // 2, len(whole) - 200):
        with pytest.raises(InvalidInput) as refused:
            read_table(whole[:cut], "people.xlsx")
        assert refused.value.message in (XLSX_DAMAGED, "The XLSX file cannot be read.")


def test_an_unreadable_member_list_is_refused_in_words() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_member_csv(f'name,email\n"{HUGE}",a@b.fi\n')
    assert "cannot be read" in refused.value.message


def test_a_failed_job_tells_staff_words_not_sql() -> None:
    from contacts.errors import InvalidInput as Refused
    from contacts.jobs.domain import UNEXPECTED_FAILURE, failure_text

    sql = RuntimeError(
        "(asyncpg.exceptions.CharacterNotInRepertoireError) invalid byte 0x00 "
        "[SQL: INSERT INTO people ...]"
    )
    assert failure_text(sql) == UNEXPECTED_FAILURE
    assert "SQL" not in failure_text(sql)
    assert failure_text(Refused(XLSX_DAMAGED, field="file")) == XLSX_DAMAGED
