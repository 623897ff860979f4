"""Serving a service's AsyncAPI 3.0 document, generated from its worker's broker."""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI


def asyncapi_document(broker: KafkaBroker, *, title: str, version: str = "1") -> dict[str, Any]:
    spec = AsyncAPI(broker, title=title, version=version, schema_version="3.0.0")
    document: dict[str, Any] = spec.to_specification().to_jsonable()
    return document
