"""Each service's AsyncAPI document names only topics of the registry, and what it uses."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.topics import TOPICS
from shared.web.asyncapi import asyncapi_document

EXPECTED = {
    "contacts": {
        "contacts.contact.v1",
        "contacts.segment.v1",
        "contacts.events.v1",
        "mail.requested.v1",
    },
    "newsletter": {"contacts.contact.v1", "mail.events.v1", "staff.audit.v1"},
    "surveys": {
        "contacts.contact.v1",
        "contacts.segment.v1",
        "surveys.responses.v1",
        "staff.audit.v1",
    },
}

# Where each service assembles its worker (issue 18 moves it to `<service>.worker`).


@pytest.mark.parametrize("service", sorted(EXPECTED))
def test_asyncapi_channels_are_registered_topics(
    service: str, engines: dict[str, AsyncEngine], topics: str
) -> None:
    worker = __import__(f"{service}.worker", fromlist=["build_broker"])
    settings_mod = __import__(f"{service}.settings", fromlist=["x"])
    settings_cls = next(
        v
        for k, v in vars(settings_mod).items()
        if k.endswith("Settings") and k != "ServiceSettings"
    )
    settings = settings_cls()
    document = asyncapi_document(worker.build_broker(settings, engines[service]), title=service)
    assert document["asyncapi"].startswith("3.")
    addresses = {ch["address"].removeprefix(topics) for ch in document["channels"].values()}
    assert addresses <= set(TOPICS), addresses - set(TOPICS)
    assert EXPECTED[service] <= addresses, EXPECTED[service] - addresses
