"""An event as the newsletter knows it, and an event card's fields filled from it.

Plain Python: the card is filled once in the composer, in every language of the campaign, and
stored as the card's own text (staff may still edit it), so each recipient reads their own
language's title and place, and the archive keeps what was sent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from shared.places import places

HELSINKI = ZoneInfo("Europe/Helsinki")
# The place of an online event, in the card's language.
ONLINE = {"fi": "Verkossa", "sv": "På webben", "en": "Online"}


@dataclass(frozen=True)
class ListedEvent:
    event_id: uuid.UUID
    title: dict[str, str]
    starts_at: datetime
    online: bool
    url: str
    municipality: str | None = None
    state: str = "published"
    languages: tuple[str, ...] = field(default_factory=tuple)

    def title_in(self, lang: str) -> str:
        """The title in `lang`, else in Finnish, Swedish or English (the first there is)."""
        for candidate in (lang, "fi", "sv", "en"):
            if self.title.get(candidate):
                return self.title[candidate]
        return ""

    def place_in(self, lang: str) -> str:
        if self.online:
            return ONLINE.get(lang, ONLINE["en"])
        return places().municipality_name(self.municipality, lang)


@dataclass(frozen=True)
class ReplicatedEvent:
    """A record of `events.event.v1` as the replica holds it; the highest `version` wins."""

    event_id: uuid.UUID
    version: int
    state: str
    kind: str
    title: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    online: bool
    url: str
    municipality: str | None = None
    languages: tuple[str, ...] = ()

    def listed(self) -> ListedEvent:
        return ListedEvent(
            event_id=self.event_id,
            title=dict(self.title),
            starts_at=self.starts_at,
            online=self.online,
            url=self.url,
            municipality=self.municipality,
            state=self.state,
            languages=tuple(self.languages),
        )


def card_fields(event: ListedEvent, languages: list[str]) -> dict[str, object]:
    """The card's shared fields and its per-language texts, as the composer form holds them:
    the start as a Helsinki datetime-local value, the event's page as the registration link."""
    local = event.starts_at.astimezone(HELSINKI).strftime("%Y-%m-%dT%H:%M")
    return {
        "event": str(event.event_id),
        "date": local,
        "url": event.url,
        "text": {lang: event.title_in(lang) for lang in languages},
        "place": {lang: event.place_in(lang) for lang in languages},
    }
