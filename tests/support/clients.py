"""The second half of the fixture plugin (tests/support/plugin.py): the services' apps in
process, on their test databases.

Contacts in process on a database of its own. Tests that read contacts' outbox need it: in
a full run the e2e workers' outbox relay would publish and delete the rows of the shared
contacts database. `settings`, `engine`, `client` and `api` are these unless a module
defines its own (the modules of the other services do).

The apps are imported where a fixture needs them, not at the top: the plugin is loaded by
every run, `make test-unit` and collection too.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import make_engine
from tests.support.databases import fresh_database, truncate_all
from tests.support.infra import Infra
from tests.support.seeds import reseed
from tests.support.staff import EDITOR_HEADERS, SESSION_CSRF, VIEWER_HEADERS

if TYPE_CHECKING:
    from contacts.settings import ContactsSettings
    from newsletter.settings import NewsletterSettings


@pytest.fixture(scope="session")
async def own_contacts_db(infra: Infra, templates: dict[str, str]) -> str:
    """A migrated contacts database that no worker process relays from, once per run."""
    return await fresh_database(infra.database_urls["contacts"], templates["contacts"])


@pytest.fixture
def settings(own_contacts_db: str, settings_environment: None) -> ContactsSettings:
    from contacts.settings import ContactsSettings

    return ContactsSettings(database_url=own_contacts_db)


@pytest.fixture
async def engine(settings: ContactsSettings) -> AsyncIterator[AsyncEngine]:
    """Contacts' own database, emptied for this test, with the migrations' seed rows."""
    engine = make_engine(settings.database_url, pool_size=2)
    await truncate_all(engine)
    await reseed(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def client(
    engine: AsyncEngine, settings: ContactsSettings
) -> AsyncIterator[httpx.AsyncClient]:
    """Contacts' public pages, as a visitor's browser calls them."""
    from contacts.app import create_app

    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="https://digituki.test",
            headers={"X-Real-IP": f"198.51.100.{uuid.uuid4().int % 250}"},
        ) as c,
    ):
        yield c


@pytest.fixture
async def api(engine: AsyncEngine, settings: ContactsSettings) -> AsyncIterator[httpx.AsyncClient]:
    """Contacts' staff API, called as the proxy would for an editor."""
    from contacts.app import create_app

    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://contacts",
            headers=EDITOR_HEADERS,
        ) as c,
    ):
        yield c


@pytest.fixture
async def contacts_web(clean_db: dict[str, AsyncEngine]) -> AsyncIterator[httpx.AsyncClient]:
    """Contacts' app in process on the emptied shared databases, in English (headers per
    request: staff pages need the staff headers, public ones none)."""
    from contacts.app import create_app

    app = create_app()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="https://crm.digituki.test",
            headers={"Accept-Language": "en"},
        ) as c,
    ):
        yield c


@pytest.fixture
async def own_contacts_web(
    engine: AsyncEngine, settings: ContactsSettings
) -> AsyncIterator[httpx.AsyncClient]:
    """Contacts' app in process on its own database (`own_contacts_db`, emptied by `engine`),
    no headers set: each request says who calls and, where it matters, in which language."""
    from contacts.app import create_app

    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://c") as c,
    ):
        yield c


@asynccontextmanager
async def newsletter_client(
    settings: NewsletterSettings | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    """Newsletter's app in process (settings from the environment unless given), no headers
    set; `newsletter_web` is this on emptied databases."""
    from newsletter.app import create_app

    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://n") as c,
    ):
        yield c


@pytest.fixture
async def newsletter_web(clean_db: dict[str, AsyncEngine]) -> AsyncIterator[httpx.AsyncClient]:
    """Newsletter's app in process on the emptied shared databases, no headers set (each
    request sends its staff headers)."""
    async with newsletter_client() as c:
        yield c


@pytest.fixture
async def surveys_editor(clean_db: dict[str, AsyncEngine]) -> AsyncIterator[httpx.AsyncClient]:
    """Surveys' app in process on emptied databases, for an editor whose session's CSRF token
    is `SESSION_CSRF` (tests/support/staff.py)."""
    from surveys.app import create_app

    app = create_app()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://surveys",
            headers=EDITOR_HEADERS | {"X-Staff-Csrf": SESSION_CSRF},
        ) as c,
    ):
        yield c


@pytest.fixture
async def staff_client(clean_db: dict[str, AsyncEngine]) -> AsyncIterator[httpx.AsyncClient]:
    """Surveys' staff pages in process, on emptied databases, for a viewer."""
    from surveys.app import create_app

    app = create_app()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://surveys",
            headers=VIEWER_HEADERS,
        ) as c,
    ):
        yield c
