"""Contacts' settings: the shared ones plus its own, read with the CONTACTS_ prefix."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ContactsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONTACTS_", extra="ignore", populate_by_name=True)

    service_name: str = "contacts"
    database_url: str = "postgresql+asyncpg://digituki:digituki@127.0.0.1:5433/contacts"
    web_port: int = 8101
