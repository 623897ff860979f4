"""iCalendar (RFC 5545) for one event or a feed of many, and the one attached to a mail.

Times are Finnish wall-clock time (`DTSTART;TZID=Europe/Helsinki:...`) with the zone's
VTIMEZONE (EET/EEST, the EU rules) in the file itself, so a calendar shows the time staff
entered and needs no zone database of its own; a time in the hour repeated when summer time
ends is its first (summer-time) occurrence, as RFC 5545 3.3.5 and the catalog both read it.
DTSTAMP stays UTC. Text is escaped (backslash, semicolon, comma, newline) and lines are
folded at 75 octets with CRLF.

Methods (RFC 5546): the download, the feed and the mails of a seat (confirmation, promotion,
change) are `PUBLISH`; the cancellation mail is `CANCEL` with the same UID and the cancelled
version as SEQUENCE (every change of an event raises its version, so it is higher than any
copy sent before).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

PRODID = "-//Digituki//Events//EN"
TZID = "Europe/Helsinki"
HELSINKI = ZoneInfo(TZID)
Method = Literal["PUBLISH", "CANCEL"]
_ADDRESS = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+")
# Europe/Helsinki since 1983 (EU rules since 1996): summer time from the last Sunday of
# March 03:00 to the last Sunday of October 04:00 local time.
VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0300",
    "TZNAME:EEST",
    "DTSTART:19700329T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0300",
    "TZOFFSETTO:+0200",
    "TZNAME:EET",
    "DTSTART:19701025T040000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)


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


def _local(moment: datetime) -> str:
    return f"TZID={TZID}:{moment.astimezone(HELSINKI).strftime('%Y%m%dT%H%M%S')}"


def _vevent(entry: CalendarEntry, stamp: datetime, organizer: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{entry.uid}@digituki",
        f"DTSTAMP:{_utc(stamp)}",
        f"SEQUENCE:{entry.version}",
        f"DTSTART;{_local(entry.starts_at)}",
        f"DTEND;{_local(entry.ends_at)}",
        f"SUMMARY:{escape(entry.title)}",
    ]
    if organizer:
        lines.append(f"ORGANIZER;CN=Digituki:mailto:{organizer}")
    if entry.description:
        lines.append(f"DESCRIPTION:{escape(entry.description)}")
    if entry.location:
        lines.append(f"LOCATION:{escape(entry.location)}")
    if entry.url:
        lines.append(f"URL:{entry.url}")
    lines.append(f"STATUS:{'CANCELLED' if entry.cancelled else 'CONFIRMED'}")
    lines.append("END:VEVENT")
    return lines


def calendar(
    entries: Iterable[CalendarEntry],
    *,
    name: str,
    stamp: datetime,
    method: Method = "PUBLISH",
    organizer: str = "",
) -> str:
    """The whole file. `CANCEL` marks every entry cancelled; `organizer` (an address of
    letters, digits and ".-_+@" only) names who sends the mails."""
    organizer = organizer if _ADDRESS.fullmatch(organizer) else ""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        f"X-WR-CALNAME:{escape(name)}",
        *VTIMEZONE,
    ]
    for entry in entries:
        shown = replace(entry, cancelled=True) if method == "CANCEL" else entry
        lines.extend(_vevent(shown, stamp, organizer))
    lines.append("END:VCALENDAR")
    return "".join(f"{fold(line)}\r\n" for line in lines)


def ics_filename(uid: uuid.UUID) -> str:
    """The file's name in a download and in a mail (safe ASCII: shared/events/mail.py)."""
    return f"event-{uid}.ics"
