"""Staff notes on a person or an organisation: who wrote what, when. Plain text only."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from contacts.errors import InvalidInput

MAX_NOTE = 5000
# Control characters other than tab and newline have no place in a note (and can confuse
# terminals and exports); markup is kept as typed and escaped wherever it is shown.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def note_text(raw: str) -> str:
    text = _CONTROL.sub("", raw.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        raise InvalidInput("A note needs some text.", field="text")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"A note is at most {MAX_NOTE} characters.", field="text")
    return text


@dataclass(frozen=True)
class Note:
    id: uuid.UUID
    text: str
    author: str
    created_at: datetime
    person_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None

    @classmethod
    def new(
        cls,
        *,
        text: str,
        author: str,
        at: datetime,
        person_id: uuid.UUID | None = None,
        organisation_id: uuid.UUID | None = None,
    ) -> Note:
        if (person_id is None) == (organisation_id is None):
            raise InvalidInput("A note is about one person or one organisation.")
        return cls(
            id=uuid.uuid4(),
            text=note_text(text),
            author=author,
            created_at=at,
            person_id=person_id,
            organisation_id=organisation_id,
        )
