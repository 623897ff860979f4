"""Every route of every service refuses text PostgreSQL cannot store, in every input it takes.

The routes and their inputs are read from each app's routes (pages and forms included), so a
route added later is swept without editing this file. The guard answers before any route
runs, so no database is needed: a 422 in FastAPI's validation shape, never a 500.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx
import pytest
from contacts.app import create_app as create_contacts_app
from contacts.settings import ContactsSettings
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from newsletter.app import create_app as create_newsletter_app
from newsletter.settings import NewsletterSettings
from surveys.app import create_app as create_surveys_app
from surveys.settings import SurveysSettings

from shared.web.input_guard import MESSAGE

APPS: dict[str, Callable[[], FastAPI]] = {
    "contacts": lambda: create_contacts_app(ContactsSettings.model_construct()),
    "newsletter": lambda: create_newsletter_app(NewsletterSettings.model_construct()),
    "surveys": lambda: create_surveys_app(SurveysSettings.model_construct()),
}
STAFF = {"X-Staff-Id": "sweeper", "X-Staff-Role": "admin"}
BAD_VALUES = {"nul": "a\x00b", "surrogate": "a\ud800b"}


@cache
def app(service: str) -> FastAPI:
    return APPS[service]()


@dataclass(frozen=True)
class Input:
    service: str
    method: str
    path: str
    where: str  # query | json | form | multipart | path
    names: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return f"{self.service} {self.method} {self.path} {self.where}:{','.join(self.names)}"


def _all(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _all(sub)


def _inputs(service: str) -> Iterator[Input]:
    """Every route (pages and forms too, not only those in the OpenAPI document)."""
    for route in iter_route_contexts(app(service).routes):
        if not isinstance(route.original_route, APIRoute):
            continue
        tree = list(_all(route.dependant))
        path_params = [p for d in tree for p in d.path_params]
        body_params = [p for d in tree for p in d.body_params]
        query = tuple(p.alias for d in tree for p in d.query_params) or ("q",)
        form = tuple(p.alias for p in body_params) or ("text",)
        uploads = any("UploadFile" in repr(p.field_info.annotation) for p in body_params)
        for method in sorted(route.methods - {"HEAD"}):
            path = route.path_format
            for p in path_params:
                path = path.replace("{" + p.name + "}", str(uuid.uuid4()))
            yield Input(service, method, path, "query", query)
            if path_params:
                yield Input(service, method, route.path_format, "path")
            if method in ("POST", "PUT", "PATCH"):
                yield Input(service, method, path, "json", form)
                yield Input(service, method, path, "multipart" if uploads else "form", form)


INPUTS = [i for service in APPS for i in _inputs(service)]


def test_the_sweep_sees_every_kind_of_input_of_every_service() -> None:
    kinds = {(i.service, i.where) for i in INPUTS}
    for service in APPS:
        assert {(service, "query"), (service, "path")} <= kinds, service
    assert {i.where for i in INPUTS} >= {"json", "form", "multipart", "query", "path"}
    assert len(INPUTS) > 100, len(INPUTS)


def _request(item: Input, bad: str) -> dict[str, Any]:
    values = dict.fromkeys(item.names, bad)
    if item.where == "query":
        return {"params": values}
    if item.where == "json":
        return {"json": values}
    if item.where == "form":
        return {"data": values}
    if item.where == "multipart":
        return {"data": values, "files": {"upload": ("a.csv", b"a\x00b")}}
    return {}


# Bytes that are not UTF-8 in a path arrive as U+FFFD (a wrong id, no error): NUL only there.
CASES = [
    (item, kind)
    for item in INPUTS
    for kind in sorted(BAD_VALUES)
    if not (item.where == "path" and kind == "surrogate")
]


@pytest.mark.parametrize(("item", "kind"), CASES, ids=str)
async def test_bad_text_is_a_422_naming_the_input(item: Input, kind: str) -> None:
    bad = BAD_VALUES[kind]
    transport = httpx.ASGITransport(app=app(item.service), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        if item.where == "path":
            path = item.path
            for name in [s.split("}")[0] for s in path.split("{")[1:]]:
                path = path.replace("{" + name + "}", "x%00y" if kind == "nul" else "x%ED%A0%80y")
            answer = await client.request(item.method, path, headers=STAFF)
            assert answer.status_code == 422, f"{item}: {answer.status_code}"
            return
        if kind == "surrogate" and item.where != "json":
            # Outside JSON a surrogate can only arrive as bytes that are not UTF-8.
            raw = "a%ED%A0%80b"
            url = item.path + "?" + "&".join(f"{n}={raw}" for n in item.names)
            if item.where == "query":
                answer = await client.request(item.method, url, headers=STAFF)
            else:
                answer = await client.request(
                    item.method,
                    item.path,
                    content="&".join(f"{n}={raw}" for n in item.names).encode(),
                    headers={**STAFF, "Content-Type": "application/x-www-form-urlencoded"},
                )
        else:
            kwargs = _request(item, bad)
            if kind == "surrogate":  # httpx cannot encode it: write the JSON escape ourselves
                body = "{" + ",".join(f'"{n}": "a\\ud800b"' for n in item.names) + "}"
                kwargs = {"content": body.encode()}
                headers = {**STAFF, "Content-Type": "application/json"}
            else:
                headers = STAFF
            answer = await client.request(item.method, item.path, headers=headers, **kwargs)
    assert answer.status_code == 422, f"{item}: {answer.status_code} {answer.text[:200]}"
    detail = answer.json()["detail"]
    assert detail and all(MESSAGE in d["msg"] for d in detail), detail
