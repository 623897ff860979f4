"""Serving a service's AsyncAPI 3.0 document, generated from its worker's broker.

FastStream infers a subscriber's payload from its handler's signature. Ours take raw bytes
and parse the CloudEvent themselves (a malformed record must reach the dead-letter topic, not
fail inside FastStream), so the generated payloads would be empty. Every channel's messages
are therefore described from the topic registry (`shared/events/topics.py`), the contract both
sides use: the value is the event's data, its CloudEvents attributes are `ce_*` headers
(binary mode), and a compacted topic may carry a tombstone (no value).
"""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from shared.events.envelope import SPEC_VERSION, VERSION_HEADER
from shared.events.topics import TOPICS, Topic

SCHEMA_REF = "#/components/schemas/{model}"


def asyncapi_document(broker: KafkaBroker, *, title: str, version: str = "1") -> dict[str, Any]:
    spec = AsyncAPI(broker, title=title, version=version, schema_version="3.0.0")
    document: dict[str, Any] = spec.to_specification().to_jsonable()
    describe_payloads(document)
    return document


def topic_of(address: str) -> Topic | None:
    """The registered topic behind a channel address (which may carry a test prefix)."""
    for name, topic in TOPICS.items():
        if address == name or address.endswith(f".{name}") or address.endswith(name):
            return topic
    return None


def describe_payloads(document: dict[str, Any]) -> None:
    components = document.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    messages: dict[str, Any] = components.get("messages", {})
    inferred: set[str] = set()
    for channel in document.get("channels", {}).values():
        topic = topic_of(channel.get("address", ""))
        if topic is None:
            continue
        _add_schema(schemas, topic)
        for ref in channel.get("messages", {}).values():
            message = messages[ref["$ref"].rsplit("/", 1)[-1]]
            old = message.get("payload", {}).get("$ref", "")
            inferred.add(old.rsplit("/", 1)[-1])
            message["payload"] = _payload(topic)
            message["headers"] = _headers(topic)
            message["contentType"] = "application/json"
            message["correlationId"] = {"location": "$message.header#/ce_correlationid"}
    # The empty schemas FastStream inferred from the raw-bytes handlers are referenced no more.
    for name in inferred - {t.payload.__name__ for t in TOPICS.values()}:
        schemas.pop(name, None)


def _add_schema(schemas: dict[str, Any], topic: Topic) -> None:
    schema = topic.payload.model_json_schema(ref_template=SCHEMA_REF)
    for name, nested in schema.pop("$defs", {}).items():
        schemas.setdefault(name, nested)
    schemas[topic.payload.__name__] = schema


def _payload(topic: Topic) -> dict[str, Any]:
    ref = {"$ref": SCHEMA_REF.format(model=topic.payload.__name__)}
    if not topic.compacted:
        return ref
    tombstone = {"type": "null", "description": "A tombstone: the key's record is gone."}
    return {"oneOf": [ref, tombstone]}


def _headers(topic: Topic) -> dict[str, Any]:
    text = {"type": "string"}
    return {
        "type": "object",
        "description": "CloudEvents attributes (Kafka protocol binding, binary content mode).",
        "properties": {
            "ce_id": {"type": "string", "format": "uuid"},
            "ce_source": text,
            "ce_type": {"const": topic.payload.event_type},
            "ce_specversion": {"const": SPEC_VERSION},
            "ce_time": {"type": "string", "format": "date-time"},
            "ce_subject": text,
            "ce_correlationid": text,
            "ce_mergedinto": text,
            "ce_traceparent": text,
            "ce_tracestate": text,
            "content-type": {"const": "application/json"},
            VERSION_HEADER: {"type": "string", "pattern": "^[0-9]+$"},
        },
        "required": ["ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time"],
    }
