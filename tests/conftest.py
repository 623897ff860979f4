"""Session-wide fixtures: real Kafka and PostgreSQL, migrated databases, per-run topics."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import make_engine
from shared.entrypoints import migrate
from shared.kafka import ensure_topics
from tests.support.infra import (
    MISSING_MESSAGE,
    SERVICES,
    Infra,
    InfraMissing,
    from_environment,
    from_testcontainers,
)

REPO = Path(__file__).resolve().parents[1]
TEST_SECRET = "test-secret-" + "x" * 40


def migrations_dir(service: str) -> Path:
    return REPO / "services" / service / "migrations"


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    found = from_environment()
    if found is not None:
        yield found
        return
    try:
        found, containers = from_testcontainers()
    except InfraMissing as exc:
        pytest.exit(f"{MISSING_MESSAGE}\n({exc})", returncode=2)
    try:
        yield found
    finally:
        for c in containers:
            c.stop()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def run_id() -> str:
    """Topics and consumer groups of this run start with it, so runs never meet."""
    return f"t{uuid.uuid4().hex[:8]}."


@pytest.fixture(scope="session")
def service_env(infra: Infra, run_id: str) -> dict[str, str]:
    """The environment a service process of this test run gets."""
    env = {
        "DIGITUKI_ENV": "test",
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka,
        "KAFKA_TOPIC_PREFIX": run_id,
        "KAFKA_SESSION_TIMEOUT_MS": "6000",
        "CONSUMER_RETRIES": "2",
        "CONSUMER_BACKOFF_S": "0.05",
        "LINK_SECRET": TEST_SECRET,
        "LOG_JSON": "true",
        "LOG_LEVEL": "INFO",
        # Retention jobs are tested directly; in the workers they would race clean_db's TRUNCATE.
        "RETENTION_FIRST_RUN_DELAY_S": "86400",
        # The surveys worker empties ballot boxes soon after a campaign closes (e2e waits on it).
        "SURVEYS_BALLOT_POLL_INTERVAL_S": "1",
    }
    for service in SERVICES:
        prefix = service.upper()
        env[f"{prefix}_DATABASE_URL"] = infra.database_urls[service]
        env[f"{prefix}_SECRET_KEY"] = TEST_SECRET
        env[f"{prefix}_OUTBOX_POLL_INTERVAL_S"] = "0.5"
        # Small batches keep a relay crash test able to land mid-publish.
        env[f"{prefix}_OUTBOX_BATCH_SIZE"] = "100"
    return env


@pytest.fixture(scope="session")
def settings_environment(service_env: dict[str, str]) -> Iterator[None]:
    """In-process settings read the same environment as the service processes."""
    saved = {k: os.environ.get(k) for k in service_env}
    os.environ.update(service_env)
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
async def topics(infra: Infra, run_id: str) -> str:
    await ensure_topics(infra.kafka, run_id)
    return run_id


@pytest.fixture(scope="session")
def migrated(infra: Infra) -> dict[str, str]:
    """Every service database at head (migrations run as in production)."""
    for service in SERVICES:
        migrate(migrations_dir(service), infra.database_urls[service])
    return infra.database_urls


@pytest.fixture(scope="session")
async def engines(migrated: dict[str, str]) -> AsyncIterator[dict[str, AsyncEngine]]:
    engines = {s: make_engine(url, pool_size=5) for s, url in migrated.items()}
    yield engines
    for engine in engines.values():
        await engine.dispose()


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


async def _truncate_once(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        names = (
            (
                await conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version'"
                    )
                )
            )
            .scalars()
            .all()
        )
        if names:
            await conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def clean_db(engines: dict[str, AsyncEngine]) -> dict[str, AsyncEngine]:
    """Empty databases for this test (the schema stays)."""
    for engine in engines.values():
        await truncate_all(engine)
    return engines
