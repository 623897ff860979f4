"""Each service's migrations take an empty database to head and back, matching its tables."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from shared.entrypoints import migrate
from tests.conftest import migrations_dir
from tests.support.databases import empty_database
from tests.support.infra import SERVICES, Infra


def tables_of(service: str) -> object:
    module = __import__(f"{service}.tables", fromlist=["metadata"])
    return module.metadata


@pytest.mark.parametrize("service", SERVICES)
async def test_migrations_upgrade_empty_database_to_head_and_back(
    service: str, infra: Infra
) -> None:
    root, _ = infra.database_urls[service].rsplit("/", 1)
    async with empty_database(root, f"migr_{service}") as scratch_url:
        await _in_thread(migrate, migrations_dir(service), scratch_url)
        engine = create_async_engine(scratch_url)
        try:
            async with engine.connect() as conn:
                diff = await conn.run_sync(_diff, tables_of(service))
                assert diff == [], f"models and migrations differ: {diff}"
            await _in_thread(
                migrate, migrations_dir(service), scratch_url, target="base", down=True
            )
            async with engine.connect() as conn:
                left = (
                    (
                        await conn.execute(
                            text("SELECT tablename FROM pg_tables WHERE schemaname='public'")
                        )
                    )
                    .scalars()
                    .all()
                )
        finally:
            await engine.dispose()
        assert set(left) <= {"alembic_version"}


def _diff(conn: Connection, metadata: object) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(conn), metadata))  # type: ignore[arg-type]


async def _in_thread(fn: object, *args: object, **kwargs: object) -> None:
    """Alembic's env runs its own event loop, so it cannot run on the test's loop."""
    import asyncio

    await asyncio.to_thread(fn, *args, **kwargs)  # type: ignore[arg-type]
