"""Where the tests find Kafka and PostgreSQL.

`make test` starts them with the project's own scripts and sets the variables below. Without
them, testcontainers is tried when a Docker engine answers; otherwise the run stops with a
message that says what to do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from tests.support.container_databases import create_databases, service_urls

SERVICES = ("contacts", "newsletter", "surveys", "events")
# The services' secrets in a test run (signed links in tests must verify).
TEST_SECRET = "test-secret-" + "x" * 40


@dataclass(frozen=True)
class Infra:
    kafka: str
    database_urls: dict[str, str]


class InfraMissing(RuntimeError):
    pass


def from_environment() -> Infra | None:
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    urls = {s: os.environ.get(f"{s.upper()}_DATABASE_URL") for s in SERVICES}
    if not kafka or not all(urls.values()):
        return None
    return Infra(kafka=kafka, database_urls={k: v for k, v in urls.items() if v})


def from_testcontainers() -> tuple[Infra, list[object]]:
    """Kafka and PostgreSQL containers, when a Docker engine answers."""
    try:
        from testcontainers.community.kafka import KafkaContainer
        from testcontainers.community.postgres import PostgresContainer
    except ImportError as exc:  # pragma: no cover - testcontainers is a dev dependency
        raise InfraMissing(str(exc)) from exc
    try:
        kafka = KafkaContainer().with_kraft()
        kafka.with_env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        kafka.start()
        pg = PostgresContainer("postgres:15", username="digituki", password="digituki")
        pg.with_command("postgres -c fsync=off -c full_page_writes=off")  # as deploy/env/test.env
        pg.start()
    except Exception as exc:  # DockerException when no engine answers
        raise InfraMissing(f"no Docker engine: {exc}") from exc
    base = pg.get_connection_url().replace("postgresql+psycopg2://", "postgresql+asyncpg://")
    urls = service_urls(base, SERVICES)
    create_databases(pg, urls)
    return Infra(kafka=kafka.get_bootstrap_server(), database_urls=urls), [kafka, pg]


MISSING_MESSAGE = (
    "The tests need a real Kafka and PostgreSQL. Run them with `make test`, which starts both "
    "with the project's own scripts and sets KAFKA_BOOTSTRAP_SERVERS and "
    "CONTACTS_/NEWSLETTER_/SURVEYS_/EVENTS_DATABASE_URL; or point those variables at running "
    "servers."
)
