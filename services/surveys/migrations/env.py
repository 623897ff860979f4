"""Alembic environment of the surveys service (its own database only)."""

from surveys.persistence.tables import metadata

from shared.migrations_env import run

run(metadata)
