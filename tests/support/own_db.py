"""A migrated database of a test's own: no e2e worker relays its outbox or runs its jobs."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from shared.entrypoints import migrate
from tests.conftest import migrations_dir
from tests.support.infra import Infra


async def _admin(root: str, statement: str) -> None:
    engine = create_async_engine(
        f"{root}/postgres", isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@asynccontextmanager
async def own_database(infra: Infra, service: str) -> AsyncIterator[str]:
    root = infra.database_urls[service].rsplit("/", 1)[0]
    name = f"{service}_own_{uuid.uuid4().hex[:6]}"
    await _admin(root, f'CREATE DATABASE "{name}"')
    try:
        await asyncio.to_thread(migrate, migrations_dir(service), f"{root}/{name}")
        yield f"{root}/{name}"
    finally:
        # An autovacuum worker of another role may still be on it for a moment: retry.
        for attempt in range(20):
            try:
                await _admin(root, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except DBAPIError:
                if attempt == 19:
                    raise
                await asyncio.sleep(0.5)
