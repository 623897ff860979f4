"""Surveys' settings: the shared ones plus its own, read with the SURVEYS_ prefix."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class SurveysSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SURVEYS_", extra="ignore", populate_by_name=True)

    service_name: str = "surveys"
    database_url: str = "postgresql+asyncpg://digituki:digituki@127.0.0.1:5433/surveys"
    web_port: int = 8103
    # Personal survey links stop working after this many days, whatever the campaign.
    link_max_age_days: int = 400
    reminder_poll_interval_s: float = 60.0
    reminder_batch_size: int = 1000
    # New respondent slots of public links per client IP (a token bucket per web process).
    open_link_burst: int = 20
    open_link_per_minute: float = 10.0
    # Anonymous answers reach the results in shuffled batches of at least this many (k).
    ballot_batch_min: int = Field(5, ge=2)
    ballot_poll_interval_s: float = 300.0
    # An event's feedback survey stays open this many days after the event's end.
    event_feedback_days: int = Field(14, ge=1, le=365)
