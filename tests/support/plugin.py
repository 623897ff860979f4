"""The test suite's fixtures, in one pytest plugin (registered by tests/conftest.py) with
its second half, tests/support/clients.py (the services' apps in process), events'
fixtures in tests/support/events.py (`events_engine`, `events_clients`, `events_app`) and
settings and engines on a database of a test's own in tests/support/own_db.py.

Infrastructure: the real Kafka and PostgreSQL of the test stack, per-run topics, and the
service databases, each created ONCE per run as a copy of a migrated template
(tests/support/databases.py). Per-test isolation is by truncation (`clean_db`, and the
`engine` of contacts' own database). Fixtures of one folder only live in that folder's
conftest.py; fixtures used by modules of several folders or files live here, once.

Tiers are markers given by folder: `unit` (no infrastructure), `integration`, `e2e`,
`browser`; e.g. `pytest -m unit` or `pytest -m "not browser"`.

Under pytest-xdist every worker has databases of its own (`<name>_<worker>`) and topics and
consumer groups of its own (`run_id`), so workers never meet.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import make_engine
from shared.kafka import ensure_topics
from tests.support.databases import (
    copy_database,
    drop_scratch_databases,
    ensure_template,
    split_url,
    truncate_all,
)
from tests.support.infra import (
    MISSING_MESSAGE,
    SERVICES,
    TEST_SECRET,
    Infra,
    InfraMissing,
    from_environment,
    from_testcontainers,
)

TESTS = Path(__file__).resolve().parents[1]
TIERS = ("unit", "integration", "e2e", "browser")


# Under pytest-xdist each of these groups runs on one worker, in order, and the two groups run
# side by side on the two workers: the browser tests share the web processes on fixed ports
# behind nginx (`site`); the e2e tests share one set of service workers (their package's
# `workers`) and start their own brokers and SMTP sinks on fixed ports. Each group's service
# processes use its worker's databases and topics, so the groups never meet; no test empties
# the shared mail catcher (tests/unit/test_mail_catcher_reads.py). Every other test is a unit
# of work of its own.
STACK_GROUPS = ("e2e/", "browser/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test gets the marker of its tier (its folder under tests/)."""
    for item in items:
        tier = _tier_of(item.path)
        if tier is not None:
            item.add_marker(tier)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Scopes of one test each, but one scope for each of STACK_GROUPS. The scheduler hands
    out the largest scopes first, so the two groups start at once on the two workers. (Not
    xdist_group: pytest 9 ignores the node id suffix that `--dist loadgroup` relies on.)"""
    from xdist.scheduler import LoadScopeScheduling

    class StackGroups(LoadScopeScheduling):  # type: ignore[misc]  # xdist: untyped
        def _split_scope(self, nodeid: str) -> str:
            return stack_group(nodeid) or nodeid

    return StackGroups(config, log)


def stack_group(nodeid: str) -> str | None:
    """The group of STACK_GROUPS the test belongs to, if any."""
    path = nodeid.split("::", 1)[0].removeprefix("tests/")
    return next((group for group in STACK_GROUPS if path.startswith(group)), None)


def _relative(path: Path) -> str:
    try:
        return path.relative_to(TESTS).as_posix()
    except ValueError:
        return ""


def _tier_of(path: Path) -> str | None:
    folder = _relative(path).split("/", 1)[0]
    return folder if folder in TIERS else None


@pytest.fixture(autouse=True)
def _environment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside the unit tier, settings built in this process read the same environment as
    the service processes. A unit test sees the environment as it was before, also on a
    worker whose earlier tests set the stack's (a topic prefix there renamed the topics a
    unit test expects)."""
    if _tier_of(request.node.path) not in (None, "unit"):
        request.getfixturevalue("settings_environment")
    else:
        environment_before_the_stack(monkeypatch)


def environment_before_the_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo `settings_environment` for one test, if it is in force."""
    for key, value in _ENVIRONMENT_BEFORE.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)


# What `settings_environment` replaced in os.environ, while it is in force.
_ENVIRONMENT_BEFORE: dict[str, str | None] = {}


def _worker() -> str | None:
    """The pytest-xdist worker id (gw0, gw1, ...), None when not under xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER")


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    found = from_environment()
    containers: list[object] = []
    if found is None:
        try:
            found, containers = from_testcontainers()
        except InfraMissing as exc:
            pytest.exit(f"{MISSING_MESSAGE}\n({exc})", returncode=2)
    worker = _worker()
    if worker is not None:
        found = replace(
            found, database_urls={s: f"{u}_{worker}" for s, u in found.database_urls.items()}
        )
    try:
        yield found
    finally:
        if not containers:
            _drop_scratch_databases(found)
        for c in containers:
            c.stop()  # type: ignore[attr-defined]


def _drop_scratch_databases(infra: Infra) -> None:
    async def drop_all() -> None:
        for url in infra.database_urls.values():
            await drop_scratch_databases(url)

    # A loop of its own, in a thread: the session's event loop belongs to pytest-asyncio.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, drop_all()).result()


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
    _ENVIRONMENT_BEFORE.update({k: os.environ.get(k) for k in service_env})
    os.environ.update(service_env)
    yield
    for k, v in _ENVIRONMENT_BEFORE.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    _ENVIRONMENT_BEFORE.clear()


@pytest.fixture(scope="session")
async def topics(infra: Infra, run_id: str) -> str:
    await ensure_topics(infra.kafka, run_id)
    return run_id


@pytest.fixture(scope="session")
async def templates(infra: Infra) -> dict[str, str]:
    """Per service, the name of a database at head that test databases are copied from."""
    return {s: await ensure_template(s, url) for s, url in infra.database_urls.items()}


@pytest.fixture(scope="session")
async def migrated(infra: Infra, templates: dict[str, str]) -> dict[str, str]:
    """Every service database at head: a fresh copy of its template, once per run."""
    for service, url in infra.database_urls.items():
        root, name = split_url(url)
        await copy_database(root, templates[service], name)
    return infra.database_urls


@pytest.fixture(scope="session")
async def engines(migrated: dict[str, str]) -> AsyncIterator[dict[str, AsyncEngine]]:
    engines = {s: make_engine(url, pool_size=5) for s, url in migrated.items()}
    yield engines
    for engine in engines.values():
        await engine.dispose()


@pytest.fixture
async def clean_db(
    request: pytest.FixtureRequest, engines: dict[str, AsyncEngine]
) -> dict[str, AsyncEngine]:
    """Empty databases for this test (the schema stays). A module marked
    `pytest.mark.empties("surveys")` empties only those: in e2e the workers may still be busy
    with the previous test's mail requests in the others, and truncating under them can
    deadlock."""
    marker = request.node.get_closest_marker("empties")
    for service, engine in engines.items():
        if marker is None or service in marker.args:
            await truncate_all(engine)
    return engines
