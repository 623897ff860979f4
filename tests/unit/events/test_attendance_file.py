"""Reading a webinar platform's attendance file: the address column by its header (any of
our languages), any separator, a byte order mark, rows without an address counted."""

from __future__ import annotations

import pytest
from events.attendance.domain import read_attendance
from events.errors import InvalidInput


def test_teams_style_tab_separated_utf16_with_a_finnish_header() -> None:
    data = "Nimi\tSähköposti\tLiittyi\nAino\tAINO@example.fi\t9.00\nBot\t\t9.01\n".encode("utf-16")
    found = read_attendance(data)
    assert found.emails == ("aino@example.fi",)
    assert found.rows_without_email == 1


def test_semicolons_a_bom_repeats_and_a_name_column_with_an_at_sign() -> None:
    data = (
        "\ufeffName (@handle);User Email;Duration\n"
        "Aino @aino;aino@example.fi;60\n"
        "Aino @aino;Aino@Example.fi;5\n"
        "Ville;ville@example.fi;30\n"
    ).encode()
    assert read_attendance(data).emails == ("aino@example.fi", "ville@example.fi")


def test_without_a_header_any_cell_with_an_address_counts() -> None:
    data = b"aino@example.fi,Aino\nVille,ville@example.fi\n"
    assert read_attendance(data).emails == ("aino@example.fi", "ville@example.fi")


@pytest.mark.parametrize("data", [b"", b"Name,Duration\nAino,60\n"], ids=["empty", "no-addresses"])
def test_a_file_without_addresses_is_refused(data: bytes) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_attendance(data)
    assert caught.value.field == "file"
