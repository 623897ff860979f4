"""Each service's AsyncAPI document: only registered topics, and every message of every
channel (consumed or published) described with its real payload and CloudEvents headers."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from sqlalchemy.ext.asyncio import create_async_engine

from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import TOPICS
from shared.web.asyncapi import asyncapi_document

pytestmark = pytest.mark.unit

EXPECTED = {
    "contacts": {
        "contacts.contact.v1",
        "contacts.segment.v1",
        "contacts.events.v1",
        "mail.requested.v1",
        "events.newsletter-signup.v1",
        "events.event.v1",
        "events.registration.v1",
    },
    "newsletter": {
        "contacts.contact.v1",
        "mail.events.v1",
        "staff.audit.v1",
        "newsletter.material.v1",
    },
    "surveys": {
        "contacts.contact.v1",
        "contacts.segment.v1",
        "surveys.responses.v1",
        "surveys.assessment.v1",
        "staff.audit.v1",
        "surveys.survey.v1",
        "surveys.event_feedback.v1",
        "events.feedback_requested.v1",
        "newsletter.material.v1",
    },
    "events": {
        "contacts.contact.v1",
        "events.event.v1",
        "events.registration.v1",
        "mail.requested.v1",
        "staff.audit.v1",
        "surveys.survey.v1",
        "surveys.event_feedback.v1",
        "events.feedback_requested.v1",
        "events.newsletter-signup.v1",
    },
}
PREFIX = "unit."


def document(service: str) -> dict[str, Any]:
    worker = __import__(f"{service}.worker", fromlist=["build_broker"])
    settings_mod = __import__(f"{service}.settings", fromlist=["x"])
    settings_cls = next(
        v
        for k, v in vars(settings_mod).items()
        if k.endswith("Settings") and k != "ServiceSettings"
    )
    settings = settings_cls(environment="development", kafka_topic_prefix=PREFIX)
    # Building the broker connects to nothing: the engine is never used here.
    engine = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    return asyncapi_document(worker.build_broker(settings, engine), title=service)


def resolve(doc: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    assert isinstance(node, dict)
    return node


@pytest.mark.parametrize("service", sorted(EXPECTED))
def test_channels_are_registered_topics(service: str) -> None:
    doc = document(service)
    assert doc["asyncapi"].startswith("3.")
    addresses = {ch["address"].removeprefix(PREFIX) for ch in doc["channels"].values()}
    assert addresses <= set(TOPICS), addresses - set(TOPICS)
    assert EXPECTED[service] <= addresses, EXPECTED[service] - addresses


@pytest.mark.parametrize("service", sorted(EXPECTED))
def test_every_message_has_its_topics_payload_and_headers(service: str) -> None:
    doc = document(service)
    for name, channel in doc["channels"].items():
        topic = TOPICS[channel["address"].removeprefix(PREFIX)]
        for ref in channel["messages"].values():
            message = resolve(doc, ref["$ref"])
            payload = message["payload"]
            refs = [payload] if "$ref" in payload else payload["oneOf"][:1]
            schema = resolve(doc, refs[0]["$ref"])
            # A raw-bytes handler's inferred payload is {"title": ...}: no properties at all.
            assert schema.get("properties"), (name, schema)
            assert set(schema["properties"]) == set(topic.payload.model_fields), name
            assert message["headers"]["properties"]["ce_type"] == {
                "const": topic.payload.event_type
            }
            assert ("oneOf" in payload) == topic.compacted, name


@pytest.mark.parametrize("service", sorted(EXPECTED))
def test_every_reference_resolves(service: str) -> None:
    doc = document(service)
    text = json.dumps(doc)
    for piece in text.split('"$ref": "')[1:]:
        resolve(doc, piece.split('"', 1)[0])


def test_a_real_event_validates_against_the_documented_schemas() -> None:
    doc = document("contacts")
    registry: Registry = Registry().with_resource("urn:doc", Resource.opaque(doc))
    message = next(
        resolve(doc, ref["$ref"])
        for ch in doc["channels"].values()
        if ch["address"] == PREFIX + "mail.requested.v1"
        for ref in ch["messages"].values()
    )
    data = MailRequestedV1(
        idempotency_key="k-1",
        template_key="signup.confirm",
        to_email="maija@example.fi",
        contact_id=uuid.UUID(int=7),
        variables={"link": "https://example.fi/c/x"},
    )
    event = new_event(data=data, source="contacts", subject="p-7", version=3)
    ref = "urn:doc" + message["payload"]["$ref"]
    Draft202012Validator({"$ref": ref}, registry=registry).validate(
        json.loads(event.value_bytes() or b"null")
    )
    headers = {k: v.decode() for k, v in event.to_headers()}
    Draft202012Validator(message["headers"]).validate(headers)
    wrong = {**headers, "ce_type": "fi.digituki.something.else.v1"}
    assert not Draft202012Validator(message["headers"]).is_valid(wrong)
    bad = json.loads(event.value_bytes() or b"null") | {"language": "de"}
    assert not Draft202012Validator({"$ref": ref}, registry=registry).is_valid(bad)
