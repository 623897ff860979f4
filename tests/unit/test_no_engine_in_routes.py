"""No page or route is handed the database engine: every one gets its service's unit of work
(issue "The house": use cases receive the unit of work, never an engine). A sweep over every
route of the four apps, through FastAPI's dependency tree, so a route added later is held to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import pytest
from contacts.app import create_app as contacts_app
from contacts.settings import ContactsSettings
from events.app import create_app as events_app
from events.settings import EventsSettings
from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from newsletter.app import create_app as newsletter_app
from newsletter.settings import NewsletterSettings
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from surveys.app import create_app as surveys_app
from surveys.settings import SurveysSettings

APPS = {
    "contacts": lambda: contacts_app(ContactsSettings.model_construct()),
    "newsletter": lambda: newsletter_app(NewsletterSettings.model_construct()),
    "surveys": lambda: surveys_app(SurveysSettings.model_construct()),
    "events": lambda: events_app(EventsSettings.model_construct()),
}


def _tree(dependant: Dependant, path: str = "") -> Iterator[tuple[str, Dependant]]:
    for sub in dependant.dependencies:
        name = getattr(sub.call, "__name__", repr(sub.call))
        yield f"{path}/{name}", sub
        yield from _tree(sub, f"{path}/{name}")


def _routes(app: FastAPI) -> list[APIRoute]:
    """Every API route and page, the included routers' too."""
    return [c.route for c in iter_route_contexts(app.routes) if isinstance(c.route, APIRoute)]


def _engine_users(app: FastAPI) -> list[str]:
    found = []
    for route in _routes(app):
        for where, dependant in [("", route.dependant), *_tree(route.dependant)]:
            name = getattr(dependant.call, "__name__", "")
            annotations = getattr(dependant.call, "__annotations__", {})
            takes = {str(a) for a in annotations.values()}
            if name == "get_engine" or any(
                t.__name__ in text for t in (AsyncEngine, AsyncConnection) for text in takes
            ):
                found.append(f"{sorted(route.methods)} {route.path} {where or name}")
    return found


@pytest.mark.parametrize("service", sorted(APPS))
def test_no_route_or_page_gets_the_engine_or_a_connection(service: str) -> None:
    app = APPS[service]()
    assert len(_routes(app)) > 10, "the sweep found the routes"
    assert _engine_users(app) == []


def get_engine(request: Request) -> AsyncEngine:
    """What a route handed the engine would depend on (the deleted `deps.Engine`)."""
    raise NotImplementedError


def test_the_sweep_sees_a_route_that_takes_the_engine() -> None:
    app = FastAPI()

    @app.get("/x")
    async def x(engine: Annotated[AsyncEngine, Depends(get_engine)]) -> None: ...

    assert _engine_users(app) == ["['GET'] /x x", "['GET'] /x /get_engine"]
