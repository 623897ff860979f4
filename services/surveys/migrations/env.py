"""Alembic environment of the surveys service (its own database only)."""

from surveys.tables import metadata

from shared.migrations_env import run

run(metadata)
