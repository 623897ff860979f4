"""Registrations and their steps in plain Python: states, what a change does, the snapshot's
event fields and how an event's title reads in a reader's language."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

State = Literal["registered", "waitlisted", "cancelled", "attended"]
STATES: tuple[State, ...] = ("registered", "waitlisted", "cancelled", "attended")
# What each change of `events.registration.v1` makes the registration, and which step's time
# it records ("promoted" is a seat from the waiting list: registered again, later).
STATE_OF_CHANGE: dict[str, State] = {
    "registered": "registered",
    "promoted": "registered",
    "waitlisted": "waitlisted",
    "cancelled": "cancelled",
    "attended": "attended",
}
STEP_COLUMN: dict[State, str] = {
    "registered": "registered_at",
    "waitlisted": "waitlisted_at",
    "cancelled": "cancelled_at",
    "attended": "attended_at",
}
# The timeline's kinds, one per step (activity/labels.py names them).
TIMELINE_KIND: dict[State, str] = {
    "registered": "event_registered",
    "waitlisted": "event_waitlisted",
    "cancelled": "event_cancelled",
    "attended": "event_attended",
}
# Holding a place: these registrations put the event's series into `registered_series`.
HOLDING = ("registered", "waitlisted", "attended")
TIMEZONE = ZoneInfo("Europe/Helsinki")
LANGUAGE_ORDER = ("fi", "sv", "en")


@dataclass(frozen=True)
class Engagement:
    """The snapshot's event fields of one person."""

    last_attended_on: date | None = None
    registered_series: tuple[str, ...] = ()


@dataclass(frozen=True)
class MonthFigures:
    """The impact chain's event figures of one month."""

    events_held: int  # published events (not cancelled) that ended in the month
    registrations: int  # registrations first made in the month
    attended: int  # of the seats at the events that ended in the month, those attended
    seated: int  # registrations holding a seat (not cancelled) at those events


@dataclass(frozen=True)
class Held:
    """One registration as the snapshot needs it: its state, series and event day."""

    state: str
    series_id: str | None
    day: date | None  # the event's day (Helsinki), or the day attendance was marked


def engagement(held: Iterable[Held]) -> Engagement:
    """The newest day attended, and the series of every registration still holding a place."""
    rows = list(held)
    attended = [h.day for h in rows if h.state == "attended" and h.day is not None]
    series = {h.series_id for h in rows if h.state in HOLDING and h.series_id}
    return Engagement(max(attended) if attended else None, tuple(sorted(series)))


def day_of(at: datetime) -> date:
    """The programme's day (Finnish time) of a moment."""
    return at.astimezone(TIMEZONE).date()


def newer(held_at: datetime | None, at: datetime) -> bool:
    """Whether a step at `at` moves a registration whose state dates from `held_at`: a replay
    or an older change never does (the same moment again is a replay)."""
    return held_at is None or at > held_at


def title_in(titles: Mapping[str, str], lang: str) -> str:
    """The title in the reader's language, else in Finnish, Swedish, English or any."""
    for code in (lang, *LANGUAGE_ORDER):
        if titles.get(code):
            return titles[code]
    return next((t for t in titles.values() if t), "")


def steps(row: Mapping[str, datetime | None]) -> list[tuple[str, datetime]]:
    """A registration's steps as (timeline kind, when), oldest first."""
    found = [
        (TIMELINE_KIND[state], at)
        for state, column in STEP_COLUMN.items()
        if (at := row.get(column)) is not None
    ]
    return sorted(found, key=lambda step: step[1])


@dataclass(frozen=True)
class Registration:
    """One registration as contacts holds it: its state now and the time of each step."""

    registration_id: uuid.UUID
    event_id: uuid.UUID
    person_id: uuid.UUID | None
    series_id: uuid.UUID | None
    event_kind: str
    state: State
    state_at: datetime
    first_at: datetime
    registered_at: datetime | None = None
    waitlisted_at: datetime | None = None
    cancelled_at: datetime | None = None
    attended_at: datetime | None = None


@dataclass(frozen=True)
class Change:
    """A change of `events.registration.v1`, with the person contacts knows (or None)."""

    registration_id: uuid.UUID
    event_id: uuid.UUID
    person_id: uuid.UUID | None
    series_id: uuid.UUID | None
    event_kind: str
    change: str
    at: datetime


def applied(held: Registration | None, change: Change) -> Registration | None:
    """The registration after the change, or None when the change adds nothing (a replay, a
    duplicate, or a step already known at that time or later).

    The state follows the newest change only; each step keeps its newest time, so an older
    change arriving late still records its step without turning the state back.
    """
    state = STATE_OF_CHANGE.get(change.change)
    if state is None:
        return None
    column = STEP_COLUMN[state]
    if held is None:
        new = Registration(
            registration_id=change.registration_id,
            event_id=change.event_id,
            person_id=change.person_id,
            series_id=change.series_id,
            event_kind=change.event_kind,
            state=state,
            state_at=change.at,
            first_at=change.at,
        )
        return _stepped(new, state, change.at)
    step: datetime | None = getattr(held, column)
    moves = newer(held.state_at, change.at)
    new_step = step is None or change.at > step
    if not (moves or new_step):
        return None
    updated = replace(
        held,
        first_at=min(held.first_at, change.at),
        person_id=held.person_id or change.person_id,
        series_id=held.series_id or change.series_id,
    )
    if new_step:
        updated = _stepped(updated, state, change.at)
    if moves:
        updated = replace(updated, state=state, state_at=change.at)
    return updated


def _stepped(registration: Registration, state: State, at: datetime) -> Registration:
    """The registration with the time of its step to `state`."""
    match state:
        case "registered":
            return replace(registration, registered_at=at)
        case "waitlisted":
            return replace(registration, waitlisted_at=at)
        case "cancelled":
            return replace(registration, cancelled_at=at)
    return replace(registration, attended_at=at)
