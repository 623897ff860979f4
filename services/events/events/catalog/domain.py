"""Events and series: what an event is and the rules its details must keep.

Times are entered in Finnish time (Europe/Helsinki) and stored in UTC. A local time that does
not exist (the hour skipped when summer time starts) is refused; one that happens twice (the
hour repeated when it ends) means the first of the two, summer time.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from events.errors import Conflict, InvalidInput
from shared.places import places

HELSINKI = ZoneInfo("Europe/Helsinki")
KINDS = ("webinar", "workshop", "learning_circle", "digitaitoviikko", "other")
LANGUAGES = ("fi", "sv", "en")
# submitted: a partner sent it, their address is not verified yet; pending: verified, waits
# for staff; declined: staff said no. Only published and cancelled events are public.
States = Literal["draft", "submitted", "pending", "published", "declined", "cancelled"]
MAX_TITLE = 200
MAX_DESCRIPTION = 10_000
MAX_CAPACITY = 100_000
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def local_to_utc(local: datetime, *, field: str) -> datetime:
    """A wall-clock time in Helsinki (naive) as an aware UTC time, DST-safe."""
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    aware = local.replace(tzinfo=HELSINKI, fold=0)
    back = aware.astimezone(UTC).astimezone(HELSINKI).replace(tzinfo=None)
    if back != local:
        raise InvalidInput("this time does not exist in Finland (summer time starts)", field=field)
    return aware.astimezone(UTC)


def in_helsinki(moment: datetime) -> datetime:
    return moment.astimezone(HELSINKI)


def _texts(raw: dict[str, str], *, limit: int, name: str) -> dict[str, str]:
    texts = {lang: (raw.get(lang) or "").strip() for lang in LANGUAGES}
    for lang, text in texts.items():
        if len(text) > limit:
            raise InvalidInput(f"at most {limit} characters", field=f"{name}_{lang}")
    return {lang: text for lang, text in texts.items() if text}


def pick(texts: dict[str, str], lang: str) -> str:
    """The text in `lang`, else Finnish, else any language it has."""
    return texts.get(lang) or texts.get("fi") or next(iter(texts.values()), "")


@dataclass(frozen=True)
class EventDetails:
    kind: str
    title: dict[str, str]
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    online: bool
    description: dict[str, str] = field(default_factory=dict)
    join_url: str | None = None
    address: str | None = None
    municipality: str | None = None  # Statistics Finland code; shown by its name
    capacity: int | None = None  # None: no limit
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    languages: tuple[str, ...] = ("fi",)
    topics: tuple[str, ...] = ()
    organiser: str = ""
    audience: str = ""
    series_id: uuid.UUID | None = None
    # The survey attendees are asked to answer after the event (None: no feedback survey).
    feedback_survey_id: uuid.UUID | None = None
    feedback_anonymous: bool = True

    def checked(self) -> EventDetails:
        """The same details cleaned, or InvalidInput naming the first field that is wrong."""
        if self.kind not in KINDS:
            raise InvalidInput("choose the kind of event", field="kind")
        title = _texts(self.title, limit=MAX_TITLE, name="title")
        if not title:
            raise InvalidInput("a title in at least one language", field="title_fi")
        description = _texts(self.description, limit=MAX_DESCRIPTION, name="description")
        if self.ends_at <= self.starts_at:
            raise InvalidInput("the end must be after the start", field="ends_at")
        join_url, address, municipality = self._place()
        self._registration_window()
        languages = tuple(lang for lang in LANGUAGES if lang in self.languages)
        if not languages:
            raise InvalidInput("at least one language of the event", field="languages")
        topics = tuple(dict.fromkeys(t.strip() for t in self.topics if t.strip()))
        if len(topics) > 20 or any(len(t) > 80 for t in topics):
            raise InvalidInput("at most 20 topics of 80 characters", field="topics")
        if len(self.organiser) > 200 or len(self.audience) > 300:
            raise InvalidInput("at most 200 characters", field="organiser")
        return replace(
            self,
            title=title,
            description=description,
            join_url=join_url,
            address=address,
            municipality=municipality,
            languages=languages,
            topics=topics,
            organiser=self.organiser.strip(),
            audience=self.audience.strip(),
        )

    def _place(self) -> tuple[str | None, str | None, str | None]:
        """(join link, address, municipality): online has a link, on site a place."""
        join_url = (self.join_url or "").strip() or None
        address = (self.address or "").strip() or None
        municipality = (self.municipality or "").strip() or None
        if self.online:
            if join_url is None or not join_url.startswith("https://") or len(join_url) > 500:
                raise InvalidInput("an https:// link to join online", field="join_url")
            return join_url, None, None
        if municipality is None or municipality not in places().municipalities:
            raise InvalidInput("the municipality of an event on site", field="municipality")
        if address is None or len(address) > 300:
            raise InvalidInput("the address of an event on site", field="address")
        return None, address, municipality

    def _registration_window(self) -> None:
        if self.capacity is not None and not 1 <= self.capacity <= MAX_CAPACITY:
            raise InvalidInput(f"a capacity from 1 to {MAX_CAPACITY}", field="capacity")
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if closes is not None and closes > self.ends_at:
            raise InvalidInput(
                "registration must close by the end of the event", field="registration_closes_at"
            )
        if opens is not None and closes is not None and closes <= opens:
            raise InvalidInput(
                "registration must close after it opens", field="registration_closes_at"
            )


@dataclass(frozen=True)
class Event:
    id: uuid.UUID
    details: EventDetails
    state: States = "draft"
    version: int = 1

    def edited(self, details: EventDetails) -> Event:
        if self.state in ("cancelled", "declined"):
            raise Conflict("a cancelled or declined event cannot be edited")
        return replace(self, details=details.checked(), version=self.version + 1)

    def changes_for_registrants(self, before: Event) -> bool:
        """Whether an edit changes what a registrant must know: time, place or join link."""
        a, b = before.details, self.details
        return (a.starts_at, a.ends_at, a.online, a.address, a.municipality, a.join_url) != (
            b.starts_at,
            b.ends_at,
            b.online,
            b.address,
            b.municipality,
            b.join_url,
        )

    def published(self) -> Event:
        """Staff publish a draft or approve a partner's verified submission."""
        if self.state == "published":
            return self
        if self.state not in ("draft", "pending"):
            raise Conflict("only a draft or a verified submission can be published")
        return replace(self, state="published", version=self.version + 1)

    def verified(self) -> Event:
        """The partner confirmed their address: the submission waits for staff."""
        if self.state != "submitted":
            return self
        return replace(self, state="pending", version=self.version + 1)

    def declined(self) -> Event:
        if self.state == "declined":
            return self
        if self.state not in ("submitted", "pending"):
            raise Conflict("only a partner's submission can be declined")
        return replace(self, state="declined", version=self.version + 1)

    def cancelled(self) -> Event:
        if self.state == "cancelled":
            return self
        return replace(self, state="cancelled", version=self.version + 1)

    def registration_state(self, now: datetime) -> Literal["not_yet", "open", "closed"]:
        """Whether people may register at `now` (a draft or cancelled event: closed)."""
        d = self.details
        if self.state != "published" or now >= d.ends_at:
            return "closed"
        if d.registration_opens_at is not None and now < d.registration_opens_at:
            return "not_yet"
        closes = d.registration_closes_at or d.starts_at
        return "open" if now < closes else "closed"


@dataclass(frozen=True)
class Series:
    id: uuid.UUID
    slug: str
    name: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)

    def checked(self) -> Series:
        if not _SLUG.match(self.slug):
            raise InvalidInput(
                "lower-case letters, digits and hyphens, e.g. digitaitoviikko-2027", field="slug"
            )
        name = _texts(self.name, limit=MAX_TITLE, name="name")
        if not name:
            raise InvalidInput("a name in at least one language", field="name_fi")
        description = _texts(self.description, limit=MAX_DESCRIPTION, name="description")
        return replace(self, name=name, description=description)
