"""An event's registrations as a workbook (openpyxl, as contacts' impact export): one sheet,
headers and states in the staff language, times in Finnish time, attended as yes/no.

Text a registrant typed is data, never a formula: a cell starting with = + - @ is quoted as
in the CSV, and characters a workbook cannot hold (control characters) are dropped."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from events.registration.domain import defused

Gettext = Callable[[str], str]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Source strings of the headers and states (translated in locale/*/events_mail.po).
HEADERS = {
    "name": "Name",
    "email": "Email",
    "organisation": "Organisation",
    "accessibility_needs": "Accessibility or other needs",
    "language": "Language",
    "state": "State",
    "registered_at": "Registered (Finnish time)",
    "attended": "Attended",
}
STATES = {
    "registered": "Registered",
    "waitlisted": "On the waiting list",
    "cancelled": "Cancelled",
}
LANGUAGES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}


def _cell(value: str) -> str:
    return defused(ILLEGAL_CHARACTERS_RE.sub("", value))


def registrations_xlsx(
    rows: Sequence[Mapping[str, str]], *, gettext: Gettext, sheet_title: str = "Registrations"
) -> bytes:
    _ = gettext
    book = Workbook(write_only=True)
    # A sheet's title: at most 31 characters, none of []:*?/\
    title = "".join(c for c in _(sheet_title) if c not in "[]:*?/\\")[:31] or "Sheet"
    sheet = book.create_sheet(title)
    sheet.append([_(label) for label in HEADERS.values()])
    for row in rows:
        shown = dict(row)
        shown["state"] = _(STATES.get(row.get("state", ""), row.get("state", "")))
        shown["language"] = _(LANGUAGES.get(row.get("language", ""), row.get("language", "")))
        shown["attended"] = _("Yes") if row.get("attended") == "yes" else _("No")
        sheet.append([_cell(str(shown.get(column, ""))) for column in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
