"""Rows the migrations seed (contacts' topics), put back after a test emptied the tables."""

from __future__ import annotations

import importlib.util
from functools import cache

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.databases import REPO

MIGRATION = REPO / "services/contacts/migrations/versions/0003_network_model.py"


@cache
def seed_topics() -> tuple[tuple[str, str, str, str], ...]:
    """The topics migration 0003 seeds, read from the migration itself."""
    spec = importlib.util.spec_from_file_location("contacts_0003", MIGRATION)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tuple(module.SEED_TOPICS)


async def reseed(engine: AsyncEngine) -> None:
    """clean_db empties every table, the migration's topics too: put them back."""
    async with engine.begin() as conn:
        for i, (key, fi, sv, en) in enumerate(seed_topics()):
            await conn.execute(
                text(
                    "INSERT INTO topics (key, name_fi, name_sv, name_en, position) "
                    "VALUES (:k, :fi, :sv, :en, :p) ON CONFLICT DO NOTHING"
                ),
                {"k": key, "fi": fi, "sv": sv, "en": en, "p": i},
            )
