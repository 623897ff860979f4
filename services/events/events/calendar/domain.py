"""iCalendar (RFC 5545) for one event or a feed of many.

Times are written in UTC (`...Z`), which every calendar converts to its own zone, so no
VTIMEZONE is needed and a summer-time change can never shift an event. Text is escaped
(backslash, semicolon, comma, newline) and lines are folded at 75 octets with CRLF.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

PRODID = "-//Digituki//Events//EN"


@dataclass(frozen=True)
class CalendarEntry:
    uid: uuid.UUID
    version: int
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    location: str
    url: str
    cancelled: bool = False


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on lines that start with a space."""
    out: list[str] = []
    current = b""
    for ch in line:
        encoded = ch.encode("utf-8")
        limit = 75 if not out else 74
        if len(current) + len(encoded) > limit:
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _vevent(entry: CalendarEntry, stamp: datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{entry.uid}@digituki",
        f"DTSTAMP:{_utc(stamp)}",
        f"SEQUENCE:{entry.version}",
        f"DTSTART:{_utc(entry.starts_at)}",
        f"DTEND:{_utc(entry.ends_at)}",
        f"SUMMARY:{escape(entry.title)}",
    ]
    if entry.description:
        lines.append(f"DESCRIPTION:{escape(entry.description)}")
    if entry.location:
        lines.append(f"LOCATION:{escape(entry.location)}")
    if entry.url:
        lines.append(f"URL:{entry.url}")
    lines.append(f"STATUS:{'CANCELLED' if entry.cancelled else 'CONFIRMED'}")
    lines.append("END:VEVENT")
    return lines


def calendar(entries: Iterable[CalendarEntry], *, name: str, stamp: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for entry in entries:
        lines.extend(_vevent(entry, stamp))
    lines.append("END:VCALENDAR")
    return "".join(f"{fold(line)}\r\n" for line in lines)
