"""The routes of the three apps, built without infrastructure, for tests that sweep all of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

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

FACTORIES: dict[str, Callable[[], FastAPI]] = {
    "contacts": lambda: create_contacts_app(ContactsSettings.model_construct()),
    "newsletter": lambda: create_newsletter_app(NewsletterSettings.model_construct()),
    "surveys": lambda: create_surveys_app(SurveysSettings.model_construct()),
    "events": lambda: create_events_app(EventsSettings.model_construct()),
}
SERVICES_APPS = tuple(FACTORIES)


@cache
def app(service: str) -> FastAPI:
    """Default settings without validation: no connection is made until a request needs one."""
    return FACTORIES[service]()


def routes(service: str) -> Iterator[RouteContext]:
    for route in iter_route_contexts(app(service).routes):
        if isinstance(route.original_route, APIRoute):
            yield route


def dependants(dependant: Dependant) -> Iterator[Dependant]:
    """A route's dependant and all of its sub-dependencies."""
    yield dependant
    for sub in dependant.dependencies:
        yield from dependants(sub)
