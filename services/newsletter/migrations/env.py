"""Alembic environment of the newsletter service (its own database only)."""

from newsletter.tables import metadata

from shared.migrations_env import run

run(metadata)
