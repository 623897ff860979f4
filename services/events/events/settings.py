"""Events' settings: the shared ones plus its own, read with the EVENTS_ prefix."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class EventsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EVENTS_", extra="ignore", populate_by_name=True)

    service_name: str = "events"
    database_url: str = "postgresql+asyncpg://digituki:digituki@127.0.0.1:5433/events"
    web_port: int = 8104
    # A personal cancel link works until this many days after it was sent.
    cancel_link_max_age_days: int = Field(400, ge=1)
    # Registrations per client IP (a token bucket per web process), like /join.
    registration_burst: int = Field(10, ge=1)
    registration_per_minute: float = Field(5.0, gt=0)
    # Reminders before an event starts, in hours (e.g. "168,1": a week and an hour before).
    reminder_offsets_hours: str = "168,1"
    reminder_poll_interval_s: float = Field(60.0, gt=0)
    # After an event, attendees get its feedback survey (events.feedback): how often the
    # worker looks, and how long after the end attendance marked late still counts.
    feedback_poll_interval_s: float = Field(60.0, gt=0)
    feedback_max_age_days: int = Field(14, ge=1, le=365)
    # ORGANIZER of the .ics files (RFC 5546 wants one): the address the mails come from,
    # i.e. the newsletter's NEWSLETTER_MAIL_FROM_ADDRESS. Empty: no ORGANIZER line.
    calendar_organiser: str = "uutiskirje@digituki.fi"

    def reminder_offsets(self) -> list[int]:
        return sorted(
            {int(p) for p in self.reminder_offsets_hours.split(",") if p.strip()}, reverse=True
        )
