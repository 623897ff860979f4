"""Registrations: capacity, the waiting list and its automatic promotion.

An event of capacity N has at most N registrations in state `registered`; anyone after
them waits (`waitlisted`) in the order they came. When a registered person cancels (or the
capacity grows), the first waiting ones move up. The service applies these rules while it
holds the event's row lock, so two registrations never take the last seat together.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from events.errors import InvalidInput

RegistrationState = Literal["registered", "waitlisted", "cancelled"]
Place = Literal["registered", "waitlisted"]
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']+\.[^@\s<>\"']{2,}$")
MAX_NAME = 200
MAX_NEEDS = 2000


def place_for(capacity: int | None, registered: int) -> Place:
    """Where a new registrant goes when `registered` seats are taken already."""
    if capacity is None or registered < capacity:
        return "registered"
    return "waitlisted"


def to_promote(capacity: int | None, registered: int, waiting: list[uuid.UUID]) -> list[uuid.UUID]:
    """The waiting registrations (oldest first) that get the seats now free."""
    if capacity is None:
        return list(waiting)
    free = max(0, capacity - registered)
    return waiting[:free]


@dataclass(frozen=True)
class Registrant:
    name: str
    email: str
    organisation: str = ""
    accessibility_needs: str = ""
    language: str = "fi"

    def checked(self) -> Registrant:
        name = " ".join(self.name.split())
        email = self.email.strip().lower()
        if not name or len(name) > MAX_NAME:
            raise InvalidInput("your name", field="name")
        if len(email) > 254 or not _EMAIL.match(email):
            raise InvalidInput("an email address, e.g. name@example.fi", field="email")
        organisation = " ".join(self.organisation.split())
        if len(organisation) > MAX_NAME:
            raise InvalidInput("at most 200 characters", field="organisation")
        needs = self.accessibility_needs.strip()
        if len(needs) > MAX_NEEDS:
            raise InvalidInput("at most 2000 characters", field="accessibility_needs")
        language = self.language if self.language in ("fi", "sv", "en") else "fi"
        return Registrant(
            name=name,
            email=email,
            organisation=organisation,
            accessibility_needs=needs,
            language=language,
        )


def reminder_marks(offset: int, offsets: list[int]) -> list[int]:
    """When the reminder `offset` hours before the start goes out, every earlier (larger)
    one is settled too: a person never gets the week's reminder after the hour's."""
    return sorted({o for o in offsets if o >= offset} | {offset})


def reminder_wanted(*, registered_at: datetime, starts_at: datetime, offset: int) -> bool:
    """Someone who registered after the reminder's moment has just had the confirmation:
    no reminder for that offset."""
    return registered_at < starts_at - timedelta(hours=offset)


EXPORT_COLUMNS = (
    "name",
    "email",
    "organisation",
    "accessibility_needs",
    "language",
    "state",
    "registered_at",
    "attended",
)


def defused(cell: str) -> str:
    """A cell starting with = + - @ would run as a formula in a spreadsheet: quote it away."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def registrations_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([[defused(row.get(c, "")) for c in EXPORT_COLUMNS] for row in rows])
    return out.getvalue().encode("utf-8-sig")
