"""Alembic environment of the contacts service (its own database only)."""

from contacts.tables import metadata

from shared.migrations_env import run

run(metadata)
