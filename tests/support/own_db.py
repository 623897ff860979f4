"""A migrated database of a test's own: no e2e worker relays its outbox or runs its jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.support.databases import ensure_template, fresh_database
from tests.support.infra import Infra


@asynccontextmanager
async def own_database(infra: Infra, service: str) -> AsyncIterator[str]:
    """A fresh copy of the service's migrated template; yields its URL. The copy is dropped
    with the others when the run ends (tests/support/databases.py)."""
    url = infra.database_urls[service]
    template = await ensure_template(service, url)  # built once per run, then only checked
    yield await fresh_database(url, template)
