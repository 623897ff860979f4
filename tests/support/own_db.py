"""A migrated database of a test's own: no e2e worker relays its outbox or runs its jobs.

Part of the fixture plugin (registered by tests/conftest.py): newsletter's and surveys'
settings and engine on such a database (the retention tests'), and one such database for
every service (`own_databases`), once here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import make_engine
from tests.support.databases import ensure_template, fresh_database
from tests.support.infra import SERVICES, Infra

if TYPE_CHECKING:
    from newsletter.settings import NewsletterSettings
    from surveys.settings import SurveysSettings


@asynccontextmanager
async def own_database(infra: Infra, service: str) -> AsyncIterator[str]:
    """A fresh copy of the service's migrated template; yields its URL. The copy is dropped
    with the others when the run ends (tests/support/databases.py)."""
    url = infra.database_urls[service]
    template = await ensure_template(service, url)  # built once per run, then only checked
    yield await fresh_database(url, template)


@pytest.fixture
async def newsletter_settings(
    infra: Infra, settings_environment: None
) -> AsyncIterator[NewsletterSettings]:
    """Newsletter's settings on a fresh database of this test's own."""
    from newsletter.settings import NewsletterSettings

    async with own_database(infra, "newsletter") as url:
        yield NewsletterSettings(database_url=url)


@pytest.fixture
async def newsletter_engine(newsletter_settings: NewsletterSettings) -> AsyncIterator[AsyncEngine]:
    """An engine on `newsletter_settings`' database."""
    engine = make_engine(newsletter_settings.database_url, pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture
async def surveys_settings(
    infra: Infra, settings_environment: None
) -> AsyncIterator[SurveysSettings]:
    """Surveys' settings on a fresh database of this test's own."""
    from surveys.settings import SurveysSettings

    async with own_database(infra, "surveys") as url:
        yield SurveysSettings(database_url=url)


@pytest.fixture
async def surveys_engine(surveys_settings: SurveysSettings) -> AsyncIterator[AsyncEngine]:
    """An engine on `surveys_settings`' database."""
    engine = make_engine(surveys_settings.database_url, pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture
async def own_databases(infra: Infra, settings_environment: None) -> AsyncIterator[dict[str, str]]:
    """A fresh database of this test's own for every service: service -> URL."""
    async with AsyncExitStack() as stack:
        yield {s: await stack.enter_async_context(own_database(infra, s)) for s in SERVICES}
