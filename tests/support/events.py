"""Events' fixtures (part of the one fixture plugin, registered by tests/conftest.py): its
database and its app in process, for the integration and e2e tests of events.

The app is imported where a fixture needs it: the plugin is loaded by every run.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

CSRF = "csrf-of-the-session"
EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor", "X-Staff-Csrf": CSRF}


@pytest.fixture
async def events_engine(clean_db: dict[str, AsyncEngine]) -> AsyncEngine:
    """Events' test database, emptied for this test."""
    return clean_db["events"]


@pytest.fixture
async def events_clients(
    events_engine: AsyncEngine,
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """(staff editor, public visitor) on one events app; the visitor has an address of its
    own, so the public forms' rate limits of one test never meet another's."""
    from events.app import create_app

    app = create_app()
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://events", headers=EDITOR) as staff,
        httpx.AsyncClient(
            transport=transport,
            base_url="http://events",
            headers={"X-Real-IP": f"198.51.100.{uuid.uuid4().int % 250}"},
        ) as public,
    ):
        yield staff, public


@pytest.fixture
async def events_app(engines: dict[str, AsyncEngine]) -> AsyncIterator[httpx.AsyncClient]:
    """The events app with no headers of its own (e2e: the databases are not emptied, the
    workers are running; a test that wants them empty asks for `clean_db` too)."""
    from events.app import create_app

    app = create_app()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://events") as c,
    ):
        yield c
