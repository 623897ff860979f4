"""Visit requests ("Kutsu meidät kylään!"): the public form checked field by field, and the
staff queue's states new → agreed → done | declined.

Form messages are fixed English source strings (the pages translate them), one per field, so
the error summary can link each to its field.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from contacts.errors import Conflict, InvalidInput
from contacts.organisations.domain.organisation import MAX_ORG_NAME
from contacts.people.domain.person import LANGUAGES, normalise_email
from contacts.people.domain.phone import normalise_phone

VisitState = Literal["new", "agreed", "done", "declined"]
VisitAction = Literal["agree", "complete", "decline", "note"]
VISIT_STATES: tuple[VisitState, ...] = ("new", "agreed", "done", "declined")
MAX_AUDIENCE = 100_000
MAX_NOTE = 5000
FIELD_LIMITS = {
    "organisation": MAX_ORG_NAME,
    "contact_name": 200,
    "email": 254,
    "phone": 40,
    "topic": 60,
    "wished_dates": 500,
    "audience_size": 40,
    "message": 5000,
    "language": 2,
}
FormValues = Mapping[str, Sequence[str]]
# Where each action may start, and where it leads.
_MOVES: dict[str, tuple[tuple[VisitState, ...], VisitState]] = {
    "agree": (("new",), "agreed"),
    "complete": (("agreed",), "done"),
    "decline": (("new", "agreed"), "declined"),
}


@dataclass(frozen=True)
class VisitForm:
    organisation: str
    contact_name: str
    email: str
    phone: str | None
    topic: str | None
    wished_dates: str
    audience_size: int | None
    message: str
    language: str

    @property
    def first_and_last_name(self) -> tuple[str, str]:
        first, _, last = self.contact_name.partition(" ")
        return first, last.strip()


@dataclass(frozen=True)
class VisitRequest:
    id: uuid.UUID
    form: VisitForm
    created_at: datetime
    organisation_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    state: VisitState = "new"
    state_changed_at: datetime | None = None
    state_changed_by: str | None = None
    note: str = ""

    def acted(self, action: VisitAction, *, at: datetime, by: str, note: str = "") -> VisitRequest:
        """A state move (or only a new note); a move that does not exist is a conflict."""
        note = note.strip()
        if len(note) > MAX_NOTE:
            raise InvalidInput(f"A note is at most {MAX_NOTE} characters.", field="note")
        if action == "note":
            return replace(self, note=note)
        sources, target = _MOVES[action]
        if self.state not in sources:
            raise Conflict(f"A {self.state} visit request cannot be moved to {target}.")
        return replace(
            self,
            state=target,
            state_changed_at=at,
            state_changed_by=by,
            note=note or self.note,
        )


def _one(values: FormValues, name: str) -> str:
    got = values.get(name) or [""]
    return got[0] if got else ""


def _cleaned(values: FormValues) -> dict[str, str]:
    """One value per field: whitespace collapsed, except in the free text."""
    return {
        name: _one(values, name).strip()
        if name == "message"
        else " ".join(_one(values, name).split())
        for name in FIELD_LIMITS
    }


# "30", "n. 30", "noin 30", "about 30", "ca 30", "30+", "1 000", "20–30": a number or a range.
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0]\d{3})+|\d+")


def approximate_audience(text: str) -> int | None:
    """The audience size a visitor typed, also approximately; a range counts as its middle.
    None when there is no number, more than two, or the result is out of range."""
    numbers = [int(re.sub(r"\D", "", n)) for n in _NUMBER.findall(text)]
    if not 1 <= len(numbers) <= 2:
        return None
    value = round(sum(numbers) / len(numbers))
    return value if 0 < value <= MAX_AUDIENCE else None


def _optional_checks(
    text: dict[str, str], errors: dict[str, str], known_topics: Collection[str]
) -> tuple[str | None, int | None]:
    """The phone (normalised) and audience size, each only when given."""
    phone = None
    if text["phone"]:
        try:
            phone = normalise_phone(text["phone"])
        except InvalidInput:
            errors.setdefault("phone", "Enter a phone number like 040 123 4567.")
    if text["topic"] and text["topic"] not in known_topics:
        errors.setdefault("topic", "Choose a topic from the list.")
    audience = None
    if text["audience_size"]:
        audience = approximate_audience(text["audience_size"])
        if audience is None:
            errors.setdefault(
                "audience_size", "Enter the audience size as a number, e.g. 30 or about 20–30."
            )
    return phone, audience


def parse_visit(
    values: FormValues, *, known_topics: Collection[str]
) -> tuple[VisitForm | None, dict[str, str], dict[str, str]]:
    """(the form or None, an error per field, what to show again in the fields)."""
    errors: dict[str, str] = {}
    text = _cleaned(values)
    for name, limit in FIELD_LIMITS.items():
        if len(text[name]) > limit:
            errors.setdefault(name, "This answer is too long.")
            text[name] = text[name][:limit]
    if not text["organisation"]:
        errors.setdefault("organisation", "Enter the name of your organisation.")
    if not text["contact_name"]:
        errors.setdefault("contact_name", "Enter the contact person's name.")
    email = ""
    try:
        email = normalise_email(text["email"])
    except InvalidInput:
        errors.setdefault("email", "Enter an email address like name@example.fi.")
    if not text["wished_dates"]:
        errors.setdefault("wished_dates", "Tell us when you would like us to visit.")
    phone, audience = _optional_checks(text, errors, known_topics)
    if errors:
        return None, errors, text
    form = VisitForm(
        organisation=text["organisation"],
        contact_name=text["contact_name"],
        email=email,
        phone=phone,
        topic=text["topic"] or None,
        wished_dates=text["wished_dates"],
        audience_size=audience,
        message=text["message"],
        language=text["language"] if text["language"] in LANGUAGES else "fi",
    )
    return form, {}, text


def event_draft(visit: VisitRequest, *, municipality: str | None) -> dict[str, str]:
    """The events service's new-event form filled from an agreed visit, as query values.

    Services share no database, so the staff member's browser carries these to the events
    form (a link); nothing is created until they review and save it there. The requester's
    message stays out: it was written to us, not to the public calendar.
    """
    form = visit.form
    draft = {
        "kind": "other",
        "format": "onsite",
        "title_fi": f"Digituen vierailu: {form.organisation}",
        "organiser": form.organisation,
        "languages": form.language,
        "from_visit": str(visit.id),
    }
    if municipality:
        draft["municipality"] = municipality
    if form.topic:
        draft["topics"] = form.topic
    if form.audience_size:
        draft["capacity"] = str(form.audience_size)
    return draft
