"""Settings refuse development secrets outside development."""

from __future__ import annotations

import pytest
from contacts.settings import ContactsSettings
from pydantic import ValidationError

from shared.settings import DEV_SECRET


def test_production_refuses_the_development_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITUKI_ENV", "production")
    monkeypatch.setenv("LINK_SECRET", DEV_SECRET)
    with pytest.raises(ValidationError, match="link_secret"):
        ContactsSettings()


def test_prefixed_and_shared_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITUKI_ENV", "development")
    monkeypatch.setenv("CONTACTS_DATABASE_URL", "postgresql+asyncpg://u:p@h:1/db")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "k:1")
    monkeypatch.setenv("KAFKA_TOPIC_PREFIX", "run1.")
    s = ContactsSettings()
    assert (s.database_url, s.kafka_bootstrap_servers) == ("postgresql+asyncpg://u:p@h:1/db", "k:1")
    assert s.topic("contacts.contact.v1") == "run1.contacts.contact.v1"
    assert s.group("replica") == "run1.contacts.replica"


def test_oidc_group_roles_are_read_as_json_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTACTS_OIDC_GROUP_ROLES", '{"crm-admins": "admin", "9c1b-42": "editor"}')
    monkeypatch.setenv("CONTACTS_OIDC_GROUPS_CLAIM", "roles")
    settings = ContactsSettings()
    assert settings.oidc_group_roles == {"crm-admins": "admin", "9c1b-42": "editor"}
    assert settings.oidc_groups_claim == "roles"
    monkeypatch.setenv("CONTACTS_OIDC_GROUP_ROLES", '{"crm-admins": "owner"}')
    with pytest.raises(ValidationError):
        ContactsSettings()


@pytest.mark.parametrize(
    "given",
    [
        "postgresql://app:pw@contacts-db-rw.digituki:5432/contacts",
        "postgres://app:pw@contacts-db-rw.digituki:5432/contacts",
        "postgresql+asyncpg://app:pw@contacts-db-rw.digituki:5432/contacts",
    ],
)
def test_a_plain_postgresql_uri_is_used_with_asyncpg(given: str) -> None:
    """CloudNativePG's app secret gives `postgresql://…` (deploy/kubernetes)."""
    s = ContactsSettings(environment="development", database_url=given)
    assert s.database_url == "postgresql+asyncpg://app:pw@contacts-db-rw.digituki:5432/contacts"
