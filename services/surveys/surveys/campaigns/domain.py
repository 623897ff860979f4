"""A survey campaign: who is asked, when, how (identified or anonymous), how often reminded;
launched once, before it closes, with the survey frozen as it was then."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from shared.segments import RuleError, parse_rule
from surveys.errors import Conflict, InvalidInput

Mode = Literal["identified", "anonymous"]
State = Literal["not_open", "open", "closed"]
HELSINKI = ZoneInfo("Europe/Helsinki")
MAX_REMINDERS = 5
MIN_INTERVAL, MAX_INTERVAL = timedelta(hours=1), timedelta(days=60)
MAX_OPEN = timedelta(days=366)
# A reminder sent by hand skips whoever was mailed this recently (a double click sends once).
MANUAL_GAP = timedelta(hours=1)


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
    # Staff's own invitation texts by language ({"fi": {"subject", "body"}}); empty = default.
    invitation: dict[str, dict[str, str]] = field(default_factory=dict)

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

    def closed_now(self, now: datetime) -> Campaign:
        """Closed at once: nobody answers after this (an open campaign only)."""
        if self.state(now) != "open":
            raise Conflict("Only an open campaign can be closed now.")
        return replace(self, closes_at=now)

    def closing_at(self, closes_at: datetime, now: datetime) -> Campaign:
        """A new closing time, later than now and than the opening (a closed campaign that
        was launched opens again)."""
        if closes_at.tzinfo is None:
            raise InvalidInput("times need a time zone", field="closes_at")
        if closes_at <= max(now, self.opens_at):
            raise InvalidInput("the new closing time must be in the future", field="closes_at")
        if closes_at - self.opens_at > MAX_OPEN:
            raise InvalidInput("a campaign is open for at most a year", field="closes_at")
        return replace(self, closes_at=closes_at)

    def reminding(self, *, max_reminders: int, interval: timedelta) -> Campaign:
        return replace(
            self, max_reminders=_max_reminders(max_reminders), reminder_interval=_interval(interval)
        )

    def with_invitation(self, texts: dict[str, dict[str, str]]) -> Campaign:
        return replace(self, invitation=texts)

    def next_reminder(self, oldest_due_mail: datetime | None, now: datetime) -> datetime | None:
        """When the schedule reminds next, given the oldest last mail of anyone it may still
        remind (None: nobody). None when that falls after closing or nothing is due."""
        if self.launched_at is None or oldest_due_mail is None or self.max_reminders == 0:
            return None
        due = max(oldest_due_mail + self.reminder_interval, self.opens_at, now)
        return due if due < self.closes_at else None


def _max_reminders(value: int) -> int:
    if not 0 <= value <= MAX_REMINDERS:
        raise InvalidInput(f"0 to {MAX_REMINDERS} reminders", field="max_reminders")
    return value


def _interval(value: timedelta) -> timedelta:
    if not MIN_INTERVAL <= value <= MAX_INTERVAL:
        raise InvalidInput("an interval of 1 hour to 60 days", field="reminder")
    return value


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
    reminder_interval: timedelta | None = None,
) -> Campaign:
    """`reminder_interval`, when given, replaces `reminder_interval_days` (hours allowed)."""
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
    if reminder_interval is not None:
        reminder_interval = _interval(reminder_interval)
    elif not 0 < reminder_interval_days <= 60:
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
        reminder_interval=reminder_interval or timedelta(days=reminder_interval_days),
        segments=segments,
        open_link=open_link,
    )
