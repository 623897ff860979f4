"""The testcontainers path creates every database the suite's URLs name (no Docker needed:
the container classes are replaced by recording stand-ins)."""

from __future__ import annotations

import sys
import types
from typing import Any, ClassVar

import pytest

from tests.support import infra
from tests.support.container_databases import create_databases, database_of


class FakeResult:
    def __init__(self, exit_code: int = 0) -> None:
        self.exit_code = exit_code


class FakePostgres:
    instances: ClassVar[list[FakePostgres]] = []

    def __init__(self, image: str, username: str, password: str, **_: Any) -> None:
        self.username, self.password, self.dbname = username, password, "test"
        self.commands: list[list[str]] = []
        self.fail_on: str | None = None
        FakePostgres.instances.append(self)

    def with_command(self, command: str) -> FakePostgres:
        self.server_command = command
        return self

    def start(self) -> FakePostgres:
        return self

    def get_connection_url(self) -> str:
        return f"postgresql+psycopg2://{self.username}:{self.password}@localhost:49153/test"

    def exec(self, command: list[str]) -> FakeResult:
        self.commands.append(command)
        return FakeResult(1 if self.fail_on and self.fail_on in command[-1] else 0)

    def created(self) -> list[str]:
        return [c[-1].split('"')[1] for c in self.commands if "CREATE DATABASE" in c[-1]]


class FakeKafka:
    def with_kraft(self) -> FakeKafka:
        return self

    def with_env(self, key: str, value: str) -> FakeKafka:
        return self

    def start(self) -> FakeKafka:
        return self

    def get_bootstrap_server(self) -> str:
        return "localhost:49154"


@pytest.fixture
def fake_testcontainers(monkeypatch: pytest.MonkeyPatch) -> None:
    kafka = types.ModuleType("testcontainers.community.kafka")
    kafka.KafkaContainer = FakeKafka  # type: ignore[attr-defined]
    postgres = types.ModuleType("testcontainers.community.postgres")
    postgres.PostgresContainer = FakePostgres  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "testcontainers.community.kafka", kafka)
    monkeypatch.setitem(sys.modules, "testcontainers.community.postgres", postgres)
    FakePostgres.instances.clear()


def test_every_database_the_urls_name_is_created(fake_testcontainers: None) -> None:
    found, containers = infra.from_testcontainers()
    (pg,) = FakePostgres.instances
    assert set(found.database_urls) == set(infra.SERVICES)
    named = {database_of(url) for url in found.database_urls.values()}
    assert named == set(infra.SERVICES)  # one database per service, none shared
    assert sorted(pg.created()) == sorted(named - {pg.dbname})
    assert all(u.startswith("postgresql+asyncpg://") for u in found.database_urls.values())
    assert pg in containers
    assert "fsync=off" in pg.server_command  # as the test cluster of deploy/env/test.env


def test_a_failed_create_stops_the_run() -> None:
    pg = FakePostgres("postgres:15", "digituki", "pw")
    pg.fail_on = "surveys"
    with pytest.raises(RuntimeError, match="surveys"):
        create_databases(pg, {"a": "postgresql://x/newsletter", "b": "postgresql://x/surveys"})


def test_the_database_the_container_starts_with_is_not_created_again() -> None:
    pg = FakePostgres("postgres:15", "digituki", "pw")
    created = create_databases(pg, {"a": "postgresql://x/test", "b": "postgresql://x/b?ssl=1"})
    assert created == ["b"]
    assert pg.created() == ["b"]
