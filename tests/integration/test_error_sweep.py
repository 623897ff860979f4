"""Error sweep: every route of every service with a path parameter, given a malformed value,
answers a person with an HTML 404 page in the right layout (never a validation dump), and an
API client with JSON; unknown addresses anywhere are 404 pages.

The routes come from the three apps (tests/support/routes.py), so a route added later is
swept too. The apps run against the test databases: some dependencies (newsletter's unit of
work) open a connection before FastAPI checks the path.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from contacts.app import create_app as create_contacts_app
from events.app import create_app as create_events_app
from fastapi import FastAPI
from fastapi.routing import APIRoute
from newsletter.app import create_app as create_newsletter_app
from surveys.app import create_app as create_surveys_app

from tests.support.routes import SERVICES_APPS, routes

HTML = {"Accept": "text/html,application/xhtml+xml", "Accept-Language": "fi"}
ADMIN = {"X-Staff-Id": "a", "X-Staff-Role": "admin", "X-Staff-Csrf": "t", "X-CSRF-Token": "t"}
STAFF_PATHS = ("/staff", "/newsletter/staff", "/surveys/staff")
MALFORMED = "not-an-id"
_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")


def _malformed_requests() -> Iterator[tuple[str, str, str]]:
    """(service, method, path) with every non-text path parameter malformed."""
    for service in SERVICES_APPS:
        for context in routes(service):
            route = context.original_route
            assert isinstance(route, APIRoute)
            typed = {
                p.name for p in route.dependant.path_params if p.field_info.annotation is not str
            }
            if not typed:
                continue  # text parameters (tokens, keys) have no malformed form to send
            path = _PARAM.sub(
                lambda m, typed=typed: MALFORMED if m.group(1) in typed else "x",
                context.path or "",
            )
            for method in sorted(context.methods or ()):
                yield service, method, path


CASES = sorted(set(_malformed_requests()))


def test_the_sweep_covers_the_page_and_api_routes_of_every_service() -> None:
    services = {service for service, _, _ in CASES}
    assert services == set(SERVICES_APPS)
    pages = [path for _, _, path in CASES if not path.startswith("/api/")]
    assert len(pages) >= 30 and len(CASES) >= 80, (len(pages), len(CASES))
    assert any(path == f"/staff/people/{MALFORMED}" for path in pages)


FACTORIES = {
    "contacts": create_contacts_app,
    "newsletter": create_newsletter_app,
    "surveys": create_surveys_app,
    "events": create_events_app,
}


@pytest.fixture
async def apps(
    settings_environment: None, migrated: dict[str, str]
) -> AsyncIterator[dict[str, FastAPI]]:
    """The three apps with the test run's settings (from the environment)."""
    built = {service: FACTORIES[service]() for service in SERVICES_APPS}
    yield built
    for one in built.values():
        await one.state.engine.dispose()


@pytest.mark.parametrize(
    ("service", "method", "path"), CASES, ids=[f"{m} {p}" for _, m, p in CASES]
)
async def test_a_malformed_id_is_a_404_page_for_people_and_json_for_the_api(
    apps: dict[str, FastAPI], service: str, method: str, path: str
) -> None:
    transport = httpx.ASGITransport(app=apps[service])
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        answer = await client.request(method, path, headers={**HTML, **ADMIN})
    kind = answer.headers.get("content-type", "")
    if path.startswith("/api/"):
        assert answer.status_code in (404, 422), answer.text[:300]
        assert kind.startswith("application/json")
        return
    assert answer.status_code == 404, answer.text[:300]
    assert kind.startswith("text/html"), kind
    if method == "HEAD":  # the GET's answer without its body
        assert answer.text == ""
        return
    assert "Sivua ei löytynyt" in answer.text
    assert "uuid_parsing" not in answer.text and '"loc"' not in answer.text
    if path.startswith(STAFF_PATHS):
        assert 'href="/staff/people"' in answer.text  # the staff layout, with its menu
    else:
        assert 'href="/privacy?lang=fi"' in answer.text  # the public layout
