"""Every staff route refuses anonymous callers and every role below its own; every public
token route refuses a token signed for another purpose.

Routes are enumerated from the three apps, so a route added later is covered without editing
this file. The role a route needs is read from its dependency tree (shared/web/staff.py
`require(role)`): a staff route without one fails the test.
"""

from __future__ import annotations

import inspect
import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
import pytest
from contacts.app import create_app as create_contacts_app
from contacts.settings import ContactsSettings
from events.app import create_app as create_events_app
from events.settings import EventsSettings
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from newsletter.app import create_app as create_newsletter_app
from newsletter.settings import NewsletterSettings
from surveys.app import create_app as create_surveys_app
from surveys.settings import SurveysSettings

from shared.settings import ServiceSettings
from shared.tokens import sign
from shared.web.staff import RANKS, current_staff

FACTORIES: dict[str, Callable[..., FastAPI]] = {
    "contacts": create_contacts_app,
    "newsletter": create_newsletter_app,
    "surveys": create_surveys_app,
    "events": create_events_app,
}
SETTINGS: dict[str, type[ServiceSettings]] = {
    "contacts": ContactsSettings,
    "newsletter": NewsletterSettings,
    "surveys": SurveysSettings,
    "events": EventsSettings,
}
STAFF_PREFIXES = ("/api/", "/staff", "/newsletter/staff", "/surveys/staff", "/events/staff")
NOT_STAFF_ROUTES = re.compile(r"/(docs|openapi\.json|asyncapi\.json)(/|$)")
PATH_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
BODY_METHODS = {"POST", "PUT", "PATCH"}


@dataclass(frozen=True)
class Call:
    service: str
    method: str
    path: str  # with fake path parameters filled in
    template: str
    role: str | None  # the lowest role let through; None = no role dependency found

    def __str__(self) -> str:
        return f"{self.service} {self.method} {self.template}"


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _walk(sub)


def required_role(route: RouteContext) -> str | None:
    """The highest role among the route's `require(role)` dependencies (they all must pass)."""
    roles: list[str] = []
    signed_in_only = False
    for dep in _walk(route.dependant):
        call = dep.call
        if call is None:
            continue
        if getattr(call, "__qualname__", "") == "require.<locals>.check":
            roles.append(inspect.getclosurevars(call).nonlocals["role"])
        elif call is current_staff:
            signed_in_only = True
    if roles:
        return max(roles, key=RANKS.__getitem__)
    # current_staff alone accepts every known role: the same as viewer.
    return "viewer" if signed_in_only else None


def _fake(route: RouteContext, name: str) -> str:
    for param in route.dependant.path_params:
        if param.name == name and param.field_info.annotation is int:
            return "1"
    return str(uuid.uuid4())


def fill_path(route: RouteContext) -> str:
    return PATH_PARAM.sub(lambda m: _fake(route, m.group(1)), route.path)


@cache
def _app(service: str) -> FastAPI:
    return FACTORIES[service](SETTINGS[service].model_construct())


def api_routes(service: str) -> Iterator[RouteContext]:
    """The routes of a service's app, as included (prefixes and router dependencies applied).

    Built at collection time, before the test environment is set: default settings without
    validation (no connection is made).
    """
    for route in iter_route_contexts(_app(service).routes):
        if isinstance(route.original_route, APIRoute):
            yield route


def staff_calls() -> list[Call]:
    calls = []
    for service in FACTORIES:
        for route in api_routes(service):
            if not route.path.startswith(STAFF_PREFIXES) or NOT_STAFF_ROUTES.search(route.path):
                continue
            for method in sorted(route.methods - {"HEAD"}):
                calls.append(
                    Call(service, method, fill_path(route), route.path, required_role(route))
                )
    return calls


def token_calls() -> list[Call]:
    calls = []
    for service in FACTORIES:
        for route in api_routes(service):
            if "{token}" not in route.path or route.path.startswith(STAFF_PREFIXES):
                continue
            for method in sorted(route.methods - {"HEAD"}):
                calls.append(Call(service, method, route.path, route.path, None))
    return calls


@pytest.fixture(scope="module")
async def clients(migrated: dict[str, str]) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    apps = {service: factory() for service, factory in FACTORIES.items()}
    clients = {
        service: httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=f"http://{service}"
        )
        for service, app in apps.items()
    }
    yield clients
    for client in clients.values():
        await client.aclose()
    for app in apps.values():
        await app.state.engine.dispose()


async def send(
    client: httpx.AsyncClient, call: Call, headers: dict[str, str], **kwargs: Any
) -> httpx.Response:
    if call.method in BODY_METHODS and "data" not in kwargs:
        kwargs["json"] = {}
    return await client.request(call.method, call.path, headers=headers, **kwargs)


def staff_headers(role: str) -> dict[str, str]:
    return {"X-Staff-Id": str(uuid.uuid4()), "X-Staff-Role": role, "X-Staff-Email": "t@x.fi"}


STAFF_CALLS = staff_calls()
TOKEN_CALLS = token_calls()


def test_the_matrix_sees_the_staff_routes_of_every_service() -> None:
    services = {c.service for c in STAFF_CALLS}
    assert services == set(FACTORIES), services
    assert any(c.role == "editor" for c in STAFF_CALLS)
    assert any(c.method != "GET" for c in STAFF_CALLS)
    assert TOKEN_CALLS, "no public token route found"


@pytest.mark.parametrize("call", STAFF_CALLS, ids=str)
def test_every_staff_route_names_the_role_it_needs(call: Call) -> None:
    assert call.role is not None, f"{call} has no require(role) dependency: anyone signed in or not"


@pytest.mark.parametrize("call", STAFF_CALLS, ids=str)
async def test_staff_route_refuses_anonymous_callers(
    call: Call, clients: dict[str, httpx.AsyncClient]
) -> None:
    response = await send(clients[call.service], call, {})
    redirected_to_login = response.is_redirect and response.headers["location"].startswith("/login")
    assert response.status_code == 401 or redirected_to_login, (
        f"{call}: {response.status_code} {response.text[:200]}"
    )


@pytest.mark.parametrize(
    ("call", "role"),
    [
        (call, role)
        for call in STAFF_CALLS
        if call.role is not None
        for role in RANKS
        if RANKS[role] < RANKS[call.role]
    ],
    ids=lambda v: str(v) if isinstance(v, Call) else v,
)
async def test_staff_route_refuses_roles_below_its_own(
    call: Call, role: str, clients: dict[str, httpx.AsyncClient]
) -> None:
    response = await send(clients[call.service], call, staff_headers(role))
    assert response.status_code == 403, f"{call} as {role}: {response.status_code}"


@pytest.mark.parametrize("call", STAFF_CALLS, ids=str)
async def test_staff_route_refuses_an_unknown_role(
    call: Call, clients: dict[str, httpx.AsyncClient]
) -> None:
    response = await send(clients[call.service], call, staff_headers("superuser"))
    assert response.status_code == 401, f"{call}: {response.status_code}"


@pytest.mark.parametrize("call", TOKEN_CALLS, ids=str)
async def test_public_token_route_refuses_a_token_of_another_purpose(
    call: Call, clients: dict[str, httpx.AsyncClient]
) -> None:
    settings = ContactsSettings()  # LINK_SECRET signs the links of every service
    # Every id a link may carry, so only the purpose is wrong.
    some_id = str(uuid.uuid4())
    payload = {"s": some_id, "c": some_id, "i": some_id, "d": some_id, "n": "x"}
    token = sign(settings.token_keys(), "other", payload)
    forged = Call(call.service, call.method, call.path.replace("{token}", token), call.path, None)
    # A form body, the one-click unsubscribe's among them (RFC 8058).
    form = {"data": {"List-Unsubscribe": "One-Click"}} if call.method in BODY_METHODS else {}
    response = await send(clients[call.service], forged, {}, follow_redirects=True, **form)
    assert 400 <= response.status_code < 500, f"{call}: {response.status_code}"
