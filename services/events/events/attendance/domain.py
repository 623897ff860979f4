"""Attendance files from webinar platforms: which column holds the addresses, and which rows
have none. Teams, Zoom and the like export CSV with a header row in the user's language,
separated by commas, semicolons or tabs, often with a byte order mark."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from events.errors import InvalidInput

MAX_FILE = 5 * 1024 * 1024
_EMAIL = re.compile(r"[^@\s<>\"';,]+@[^@\s<>\"';,]+\.[^@\s<>\"';,]{2,}")
_HEADERS = ("email", "e-mail", "mail", "sähköposti", "sahkoposti", "e-post")


@dataclass(frozen=True)
class AttendanceFile:
    emails: tuple[str, ...]  # lower-case, in file order, without repeats
    rows_without_email: int


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


def read_attendance(data: bytes) -> AttendanceFile:
    if not data.strip():
        raise InvalidInput("choose the attendance file (CSV)", field="file")
    if len(data) > MAX_FILE:
        raise InvalidInput("the file is larger than 5 MB", field="file")
    text = _text(data)
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [r for r in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in r)]
    if not rows:
        raise InvalidInput("choose the attendance file (CSV)", field="file")
    header = [c.strip().casefold() for c in rows[0]]
    column = next((i for i, name in enumerate(header) if any(h in name for h in _HEADERS)), None)
    body = rows[1:] if column is not None else rows
    found: dict[str, None] = {}
    missing = 0
    for row in body:
        cells = [row[column]] if column is not None and column < len(row) else row
        match = next((m for c in cells if (m := _EMAIL.search(c))), None)
        if match is None:
            missing += 1
            continue
        found.setdefault(match.group(0).lower(), None)
    if not found:
        raise InvalidInput("no email addresses were found in the file", field="file")
    return AttendanceFile(emails=tuple(found), rows_without_email=missing)
