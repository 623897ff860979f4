"""Newsletter' settings: the shared ones plus its own, read with the NEWSLETTER_ prefix."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class NewsletterSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSLETTER_", extra="ignore", populate_by_name=True
    )

    service_name: str = "newsletter"
    database_url: str = "postgresql+asyncpg://digituki:digituki@127.0.0.1:5433/newsletter"
    web_port: int = 8102
