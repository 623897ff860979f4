"""A member list an admin compiled from the Facebook group, as CSV: name, optional email,
optional profile URL and joined date. Each row becomes one matcher line (code → email → name).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from contacts.errors import InvalidInput

MAX_ROWS = 20_000
MAX_CELL = 500
# Header names admins are likely to type, in the three languages, folded to one key.
_HEADERS = {
    "name": "name",
    "nimi": "name",
    "namn": "name",
    "email": "email",
    "e-mail": "email",
    "sähköposti": "email",
    "e-post": "email",
    "profile": "profile_url",
    "profile_url": "profile_url",
    "profiili": "profile_url",
    "profil": "profile_url",
    "joined": "joined",
    "joined_at": "joined",
    "liittynyt": "joined",
    "ansluten": "joined",
}


@dataclass(frozen=True)
class MemberRow:
    number: int  # 1-based data row, as a spreadsheet shows it after the header
    name: str
    email: str = ""
    profile_url: str = ""
    joined: str = ""

    def as_line(self) -> str:
        """What the matcher reads: the name and the email (a profile URL could look like a code)."""
        return f"{self.name} {self.email}".strip()


def parse_member_csv(text: str) -> list[MemberRow]:
    """Rows with a name or an email; the header names the columns (comma or semicolon)."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InvalidInput("The file is empty.", field="file")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [_HEADERS.get(h.strip().casefold(), "") for h in next(reader)]
    if "name" not in header and "email" not in header:
        raise InvalidInput("The first row must name a 'name' or 'email' column.", field="file")
    rows: list[MemberRow] = []
    for number, cells in enumerate(reader, start=1):
        if number > MAX_ROWS:
            raise InvalidInput(f"At most {MAX_ROWS} rows at a time.", field="file")
        values = {
            key: " ".join(cell.split())[:MAX_CELL]
            for key, cell in zip(header, cells, strict=False)
            if key
        }
        if values.get("name") or values.get("email"):
            rows.append(
                MemberRow(
                    number,
                    values.get("name", ""),
                    values.get("email", ""),
                    values.get("profile_url", ""),
                    values.get("joined", ""),
                )
            )
    return rows
