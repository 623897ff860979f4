"""Contacts' settings: the shared ones plus its own, read with the CONTACTS_ prefix."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
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
    # Password attempts per client address (web process); beyond it the sign-in form answers
    # as for a wrong password without checking anything.
    sign_in_burst: int = 10
    sign_in_per_minute: float = 10.0

    # Optional staff sign-in with the organisation's OpenID Connect provider; off while the
    # issuer is empty. The redirect URI is {PUBLIC_BASE_URL}/login/oidc/callback.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid email profile"
    oidc_provider_name: str = "organisation account"
    # None: only existing staff may sign in this way; else first-time users get this role.
    oidc_create_role: Literal["viewer", "editor"] | None = None
    # Roles from the provider's groups, e.g. CONTACTS_OIDC_GROUP_ROLES='{"crm-admins": "admin",
    # "crm-editors": "editor"}' (Entra ID: group object ids, or app roles with claim "roles").
    # When set, the groups decide at every sign-in: the highest role wins, no mapped group =
    # no access, and oidc_create_role is not used.
    oidc_groups_claim: str = "groups"
    oidc_group_roles: dict[str, Literal["viewer", "editor", "admin"]] = Field(default_factory=dict)
    oidc_clock_skew_s: int = 60

    # Who hears of a new visit request ("Kutsu meidät kylään"), e.g.
    # CONTACTS_VISIT_NOTIFY='["digituki@dvv.fi"]', and in which language; empty: nobody.
    visit_notify: list[str] = Field(default_factory=list)
    visit_notify_language: Literal["fi", "sv", "en"] = "fi"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)
