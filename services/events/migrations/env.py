"""Alembic environment of the events service (its own database only)."""

from events.tables import metadata

from shared.migrations_env import run

run(metadata)
