"""A survey campaign: who is asked, when, how (identified or anonymous), how often reminded;
launched once, before it closes, with the survey frozen as it was then."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from shared.segments import RuleError, parse_rule
from surveys.errors import Conflict, InvalidInput

Mode = Literal["identified", "anonymous"]
State = Literal["not_open", "open", "closed"]
HELSINKI = ZoneInfo("Europe/Helsinki")
MAX_REMINDERS = 5


@dataclass(frozen=True, slots=True)
class Campaign:
    id: uuid.UUID
    survey_id: uuid.UUID
    name: str
    mode: Mode
    opens_at: datetime
    closes_at: datetime
    audience: dict[str, Any]
    max_reminders: int = 1
    reminder_interval: timedelta = timedelta(days=7)
    launched_at: datetime | None = None
    # The audience segments chosen ({"id", "name", "rule"}); the audience is any of them.
    segments: tuple[dict[str, Any], ...] = ()
    # A public link anyone may answer from; such answers are always anonymous.
    open_link: bool = False
    # The survey definition frozen at launch (None before): answers and results follow it.
    survey_definition: dict[str, Any] | None = None

    @property
    def anonymous(self) -> bool:
        return self.mode == "anonymous"

    def state(self, now: datetime) -> State:
        if now < self.opens_at:
            return "not_open"
        if now >= self.closes_at:
            return "closed"
        return "open"

    def closes_on(self) -> date:
        """The last day to answer, as people read it (Finnish time)."""
        return (self.closes_at - timedelta(microseconds=1)).astimezone(HELSINKI).date()

    def launched(self, *, survey_definition: dict[str, Any], now: datetime) -> Campaign:
        """The campaign launched now with the survey as it is: once, and not once closed."""
        if self.launched_at is not None:
            raise Conflict("The campaign has already been launched.")
        if self.state(now) == "closed":
            raise Conflict("The campaign has already closed.")
        return replace(self, launched_at=now, survey_definition=survey_definition)


@dataclass(frozen=True, slots=True)
class SegmentChoice:
    """One of contacts' segments (from the replica) a campaign may be sent to."""

    id: uuid.UUID
    name: str
    rule: dict[str, Any]

    def as_chosen(self) -> dict[str, Any]:
        """As the campaign keeps it (JSON)."""
        return {"id": str(self.id), "name": self.name, "rule": self.rule}


def new_campaign(
    *,
    survey_id: uuid.UUID,
    name: str,
    mode: str,
    opens_at: datetime,
    closes_at: datetime,
    audience: dict[str, Any],
    max_reminders: int,
    reminder_interval_days: float,
    segments: tuple[dict[str, Any], ...] = (),
    open_link: bool = False,
) -> Campaign:
    try:
        parse_rule(audience)
    except RuleError as error:
        raise InvalidInput(error.message, field=f"audience{error.path}") from error
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise InvalidInput("a name of 1 to 200 characters", field="name")
    if mode not in ("identified", "anonymous"):
        raise InvalidInput('mode is "identified" or "anonymous"', field="mode")
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise InvalidInput("times need a time zone", field="opens_at")
    if closes_at <= opens_at:
        raise InvalidInput("a campaign must close after it opens", field="closes_at")
    if not 0 <= max_reminders <= MAX_REMINDERS:
        raise InvalidInput(f"0 to {MAX_REMINDERS} reminders", field="max_reminders")
    if not 0 < reminder_interval_days <= 60:
        raise InvalidInput("an interval of more than 0 and at most 60 days", field="reminder")
    return Campaign(
        id=uuid.uuid4(),
        survey_id=survey_id,
        name=name,
        mode=mode,  # type: ignore[arg-type]  # checked just above
        opens_at=opens_at,
        closes_at=closes_at,
        audience=audience,
        max_reminders=max_reminders,
        reminder_interval=timedelta(days=reminder_interval_days),
        segments=segments,
        open_link=open_link,
    )
