"""Every number any route takes has an upper bound, so no input overflows into a 500.

Query, path and form numbers and every number field of every request model (nested too) are
read from the three apps' routes, so a route or field added later is swept without editing
this file.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

import annotated_types
import httpx
import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from shared.web.paging import MAX_PAGE_NUMBER
from tests.support.routes import FACTORIES, app, dependants, routes

NUMBERS = (int, float)
UPPER = (annotated_types.Le, annotated_types.Lt)


def _is_number(annotation: Any) -> bool:
    if annotation in NUMBERS:
        return True
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and any(
        a in NUMBERS for a in typing.get_args(annotation)
    )


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def _bounded(info: FieldInfo) -> bool:
    return any(isinstance(m, UPPER) for m in info.metadata)


def _unbounded_in_model(model: type[BaseModel], seen: set[type[BaseModel]]) -> Iterator[str]:
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        if _is_number(info.annotation) and not _bounded(info):
            yield f"{model.__name__}.{name}"
        for sub in _models(info.annotation):
            yield from _unbounded_in_model(sub, seen)


def unbounded(service: str) -> Iterator[str]:
    seen: set[type[BaseModel]] = set()
    for route in routes(service):
        for dependant in dependants(route.dependant):
            params = [*dependant.query_params, *dependant.path_params, *dependant.body_params]
            for param in params:
                info = param.field_info
                if _is_number(info.annotation) and not _bounded(info):
                    yield f"{route.path} {param.alias}"
                for model in _models(info.annotation):
                    for where in _unbounded_in_model(model, seen):
                        yield f"{route.path} {where}"


@pytest.mark.parametrize("service", sorted(FACTORIES))
def test_every_number_a_route_takes_has_an_upper_bound(service: str) -> None:
    assert sorted(set(unbounded(service))) == []


def test_the_sweep_finds_an_unbounded_number() -> None:
    class Loose(BaseModel):
        count: int

    assert list(_unbounded_in_model(Loose, set())) == ["Loose.count"]


@pytest.mark.parametrize("page", ["1e20", str(10**20), str(MAX_PAGE_NUMBER + 1), "-1"])
async def test_a_page_number_out_of_range_is_a_422(page: str) -> None:
    transport = httpx.ASGITransport(app=app("contacts"))
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        answer = await client.get(
            "/api/contacts/people",
            params={"page": page},
            headers={"X-Staff-Id": "v", "X-Staff-Role": "viewer"},
        )
    assert answer.status_code == 422, answer.text[:200]
