"""Contacts' settings: the shared ones plus its own, read with the CONTACTS_ prefix."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings

DAY_S = 24 * 60 * 60


class ContactsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONTACTS_", extra="ignore", populate_by_name=True)

    service_name: str = "contacts"
    database_url: str = "postgresql+asyncpg://digituki:digituki@127.0.0.1:5433/contacts"
    web_port: int = 8101

    # Public links: how long each kind stays valid.
    confirm_link_max_age_s: int = 7 * DAY_S
    preferences_link_max_age_s: int = 400 * DAY_S
    unsubscribe_link_max_age_s: int = 400 * DAY_S
    # Signup form per client IP and web process: a burst, then a steady rate.
    signup_burst: int = 10
    signup_per_minute: float = 5.0
