"""Property-based fuzzing of every service's JSON API, through nginx with a signed-in session.

Schemathesis reads each service's OpenAPI document (built from the app factory, so a new route
is fuzzed without editing this file) and sends generated requests, valid and invalid, with the
session cookie and its CSRF token. No answer may be a 5xx, and every answer whose status the
document declares must match the declared schema. Bounded and reproducible: a few examples per
operation (a few hundred requests per service), derandomised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from contacts.app import create_app as create_contacts_app
from contacts.settings import ContactsSettings
from events.app import create_app as create_events_app
from events.settings import EventsSettings
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from newsletter.app import create_app as create_newsletter_app
from newsletter.settings import NewsletterSettings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from surveys.app import create_app as create_surveys_app
from surveys.settings import SurveysSettings

from tests.browser.staff_session import Session

FACTORIES: dict[str, Callable[[], FastAPI]] = {
    "contacts": lambda: create_contacts_app(ContactsSettings.model_construct()),
    "newsletter": lambda: create_newsletter_app(NewsletterSettings.model_construct()),
    "surveys": lambda: create_surveys_app(SurveysSettings.model_construct()),
    "events": lambda: create_events_app(EventsSettings.model_construct()),
}
EXAMPLES = 6


def _schema(service: str) -> Any:
    spec = FACTORIES[service]().openapi()
    return schemathesis.openapi.from_dict(spec)


contacts_api = _schema("contacts")
newsletter_api = _schema("newsletter")
surveys_api = _schema("surveys")
events_api = _schema("events")

FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _call(case: Any, site: str, session: Session) -> None:
    case.call_and_validate(
        base_url=site,
        headers=session.headers,
        checks=[not_a_server_error, response_schema_conformance],
        timeout=30,
    )


@pytest.fixture(scope="module")
def session(staff_sessions: list[Session]) -> Session:
    return staff_sessions[0]


@contacts_api.parametrize()
@FUZZ
def test_contacts_api_never_fails_nor_breaks_its_schema(
    case: Any, site: str, session: Session
) -> None:
    _call(case, site, session)


@newsletter_api.parametrize()
@FUZZ
def test_newsletter_api_never_fails_nor_breaks_its_schema(
    case: Any, site: str, session: Session
) -> None:
    _call(case, site, session)


@surveys_api.parametrize()
@FUZZ
def test_surveys_api_never_fails_nor_breaks_its_schema(
    case: Any, site: str, session: Session
) -> None:
    _call(case, site, session)


@events_api.parametrize()
@FUZZ
def test_events_api_never_fails_nor_breaks_its_schema(
    case: Any, site: str, session: Session
) -> None:
    _call(case, site, session)


def test_every_service_has_operations_to_fuzz() -> None:
    for service, factory in FACTORIES.items():
        assert len(factory().openapi()["paths"]) >= 5, service
