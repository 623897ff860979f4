"""Test databases: each service's migrations run once into a template database, and every
database a test run needs is a copy of it (`CREATE DATABASE x TEMPLATE y`, a file copy).

A template is rebuilt only when the migration files changed since it was built (their hash
is kept as the template's comment), so against a test stack that stays up (`make test-stack`)
a run starts without running a single migration.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from shared.entrypoints import migrate

REPO = Path(__file__).resolve().parents[2]
SCRATCH = "_scratch_"  # in the names of the databases that fresh_database makes


def migrations_dir(service: str) -> Path:
    return REPO / "services" / service / "migrations"


def split_url(url: str) -> tuple[str, str]:
    """(server URL without a database, database name)."""
    root, name = url.rsplit("/", 1)
    return root, name


def migrations_hash(service: str) -> str:
    """Changes whenever a migration (or the shared alembic environment) changes."""
    digest = hashlib.sha256()
    files = sorted(migrations_dir(service).rglob("*.py"))
    files.append(REPO / "shared" / "migrations_env.py")
    for path in files:
        if path.exists():
            digest.update(path.relative_to(REPO).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@asynccontextmanager
async def server(root: str) -> AsyncIterator[AsyncConnection]:
    """An autocommit connection to the server's `postgres` database (CREATE/DROP DATABASE),
    fresh each time: one kept for the whole run may be closed by the time the run ends."""
    engine = create_async_engine(
        f"{root}/postgres", isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        async with engine.connect() as conn:
            yield conn
    finally:
        await engine.dispose()


async def drop_database(root: str, name: str) -> None:
    """The only way tests and benches drop a database. PostgreSQL 15 lets no role but a
    superuser end an autovacuum worker, so `WITH (FORCE)` fails while one is on the database
    ("must be a member of the role whose process is being terminated"): retried, as the
    worker is gone within moments. A sweep (tests/unit/test_database_drops.py) keeps every
    other `DROP DATABASE` out of the tests and benches."""
    for attempt in range(20):
        try:
            async with server(root) as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            if attempt == 19:
                raise
            await asyncio.sleep(0.5)


@asynccontextmanager
async def empty_database(root: str, prefix: str) -> AsyncIterator[str]:
    """A new empty database on the server `root` for a test that runs migrations itself;
    its URL. Dropped afterwards, however the test ended."""
    name = f"{prefix}_{uuid.uuid4().hex[:6]}"
    async with server(root) as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{root}/{name}"
    finally:
        await drop_database(root, name)


async def copy_database(root: str, template: str, name: str) -> None:
    """`name` as a fresh copy of `template` (replacing a database of that name)."""
    await drop_database(root, name)
    for attempt in range(20):
        try:
            async with server(root) as conn:
                await conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
            return
        except DBAPIError as error:
            # "source database is being accessed by other users": a session still closing.
            if "being accessed" not in str(error) or attempt == 19:
                raise
            await asyncio.sleep(0.25)


async def _comment_of(conn: AsyncConnection, name: str) -> str | None:
    found = await conn.execute(
        text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :n"),
        {"n": name},
    )
    row = found.first()
    return None if row is None else (row[0] or "")


async def ensure_template(service: str, url: str) -> str:
    """The name of a template database holding `service`'s schema at head, built from its
    migrations unless an up-to-date one is already there. Concurrent runs (xdist workers)
    take turns through an advisory lock: the first builds, the others reuse."""
    root, name = split_url(url)
    # One template for all pytest-xdist workers (their databases are <name>_gw0, ...).
    template = f"{re.sub(r'_gw[0-9]+$', '', name)}_template"
    wanted = f"digituki test template {migrations_hash(service)}"
    lock = int.from_bytes(hashlib.sha256(template.encode()).digest()[:7], "big")
    admin: AsyncEngine = create_async_engine(
        f"{root}/postgres", isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        async with admin.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock})
            try:
                if await _comment_of(conn, template) != wanted:
                    await _build(conn, root, service, template, wanted)
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock})
    finally:
        await admin.dispose()
    return template


async def _build(conn: AsyncConnection, root: str, service: str, template: str, mark: str) -> None:
    building = f"{template}_{uuid.uuid4().hex[:6]}"
    await conn.execute(text(f'CREATE DATABASE "{building}"'))
    try:
        await asyncio.to_thread(migrate, migrations_dir(service), f"{root}/{building}")
    except BaseException:
        await drop_database(root, building)
        raise
    await drop_database(root, template)
    await conn.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{template}"'))
    # No connections: autovacuum then leaves it alone, and a copy never waits for one.
    await conn.execute(text(f'ALTER DATABASE "{template}" WITH ALLOW_CONNECTIONS false'))
    await conn.execute(text(f"COMMENT ON DATABASE \"{template}\" IS '{mark}'"))


async def fresh_database(url: str, template: str) -> str:
    """A new copy of `template` on the server of `url`; its URL. Not dropped by the test:
    DROP DATABASE waits for a checkpoint, so all of a run's copies are dropped together when
    the run ends (`drop_scratch_databases`)."""
    root, name = split_url(url)
    scratch = f"{name}{SCRATCH}{uuid.uuid4().hex[:8]}"
    await copy_database(root, template, scratch)
    return f"{root}/{scratch}"


async def drop_scratch_databases(url: str) -> None:
    """Drop the copies `fresh_database` made from `url`'s database (this run's and any a
    killed run left behind)."""
    root, name = split_url(url)
    async with server(root) as conn:
        found = await conn.execute(
            text("SELECT datname FROM pg_database WHERE starts_with(datname, :p)"),
            {"p": f"{name}{SCRATCH}"},
        )
        names = found.scalars().all()
    for scratch in names:
        await drop_database(root, scratch)


async def truncate_all(engine: AsyncEngine) -> None:
    """Empty every table. Worker processes of e2e tests may hold row locks at that moment;
    TRUNCATE then loses a deadlock now and then, and simply tries again."""
    for attempt in range(5):
        try:
            await _truncate_once(engine)
            return
        except DBAPIError as error:
            if "deadlock detected" not in str(error) or attempt == 4:
                raise
            await asyncio.sleep(0.2 * (attempt + 1))


# One round trip: lock every table (as TRUNCATE would: a worker's transaction still open on
# one finishes first), TRUNCATE only the tables that hold a row (most tests touch a handful
# of a database's ~50 tables, and TRUNCATE makes new files for every table it names), then
# put every sequence back to its start, as RESTART IDENTITY did for all of them.
_EMPTY_EVERY_TABLE = """
DO $$
DECLARE
    t text;
    every text[];
    filled text[] := '{}';
    has_rows boolean;
BEGIN
    SELECT array_agg(format('%I', tablename)) INTO every FROM pg_tables
    WHERE schemaname = 'public' AND tablename <> 'alembic_version';
    IF every IS NULL THEN
        RETURN;
    END IF;
    -- As TRUNCATE did: wait for a worker's open transaction, so its rows are seen and go.
    EXECUTE 'LOCK TABLE ' || array_to_string(every, ', ') || ' IN ACCESS EXCLUSIVE MODE';
    FOREACH t IN ARRAY every
    LOOP
        EXECUTE 'SELECT EXISTS (SELECT 1 FROM ' || t || ')' INTO has_rows;
        IF has_rows THEN
            filled := filled || t;
        END IF;
    END LOOP;
    IF cardinality(filled) > 0 THEN
        EXECUTE 'TRUNCATE ' || array_to_string(filled, ', ') || ' CASCADE';
    END IF;
    PERFORM setval(format('%I.%I', schemaname, sequencename), start_value, false)
    FROM pg_sequences WHERE schemaname = 'public';
END
$$
"""


async def _truncate_once(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(_EMPTY_EVERY_TABLE))
