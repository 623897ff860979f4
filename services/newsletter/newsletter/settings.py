"""Newsletter' settings: the shared ones plus its own, read with the NEWSLETTER_ prefix."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class NewsletterSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSLETTER_", extra="ignore", populate_by_name=True
    )

    service_name: str = "newsletter"
    database_url: str = "postgresql+asyncpg://digituki:digituki@127.0.0.1:5433/newsletter"
    web_port: int = 8102
    # The mail relay: one per installation, so unprefixed like KAFKA_BOOTSTRAP_SERVERS
    # (deploy/bin/service-env.sh and docker-compose.yml both set SMTP_HOST/SMTP_PORT).
    smtp_host: str = Field("127.0.0.1", validation_alias=AliasChoices("SMTP_HOST"))
    smtp_port: int = Field(1025, validation_alias=AliasChoices("SMTP_PORT"))
