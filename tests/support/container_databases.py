"""The databases a testcontainers PostgreSQL needs: one per service, as `make test` makes.

The container starts with one database of its own; every service's URL must name a database
that exists, so each is created inside the container with its own psql (no client on the
host needed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class PostgresContainerLike(Protocol):
    username: str
    dbname: str

    def exec(self, command: list[str]) -> object: ...


def database_of(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def service_urls(base_url: str, services: tuple[str, ...]) -> dict[str, str]:
    """A URL per service, each naming the service's own database on the same server."""
    root = base_url.rsplit("/", 1)[0]
    return {service: f"{root}/{service}" for service in services}


def create_databases(container: PostgresContainerLike, urls: Mapping[str, str]) -> list[str]:
    """CREATE DATABASE for every URL's database the container does not start with."""
    created: list[str] = []
    for name in dict.fromkeys(database_of(url) for url in urls.values()):
        if name == container.dbname:
            continue
        result = container.exec(
            [
                "psql",
                "-U",
                container.username,
                "-d",
                container.dbname,
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                f'CREATE DATABASE "{name}"',
            ]
        )
        exit_code = getattr(result, "exit_code", 0)
        if exit_code:
            raise RuntimeError(f"creating database {name} failed: {result!r}")
        created.append(name)
    return created
