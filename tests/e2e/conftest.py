"""Service worker processes, started once per test run (real processes, real broker)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from contacts.app import create_app as create_contacts_app
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.infra import Infra
from tests.support.staff import STAFF_HEADERS
from tests.support.surveys import surveys_client
from tests.support.workers import Workers, running_workers

__all__ = ["STAFF_HEADERS", "Workers"]  # the e2e tests import both from here


# Package scope: the workers (and their outbox relays) stop when the e2e tests are done, so
# they never drain the outbox or claim deliveries under a later integration test.
@pytest.fixture(scope="package")
async def workers(
    infra: Infra, service_env: dict[str, str], topics: str, migrated: dict[str, str]
) -> AsyncIterator[Workers]:
    async with running_workers(infra.kafka, service_env, topics) as workers:
        yield workers


@pytest.fixture
async def contacts_api(clean_db: object) -> AsyncIterator[httpx.AsyncClient]:
    """Contacts' web app in process, called as the proxy would (staff headers set)."""
    app = create_contacts_app()
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=transport, base_url="http://contacts", headers=STAFF_HEADERS
        ) as client,
    ):
        yield client


@pytest.fixture
async def surveys_api(clean_db: dict[str, AsyncEngine]) -> AsyncIterator[httpx.AsyncClient]:
    """Surveys' web app in process (`clean_db`: the requesting module's, if it has its own)."""
    async with surveys_client() as client:
        yield client
