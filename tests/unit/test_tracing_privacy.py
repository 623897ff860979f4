"""Request spans keep the path, never the query string (a staff search may be an address)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared import tracing


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    found = InMemorySpanExporter()
    tracing.install_provider(tracing.new_provider("privacy-test", found))
    try:
        yield found
    finally:
        tracing.install_provider(None)


async def test_no_span_attribute_holds_the_query_string(exporter: InMemorySpanExporter) -> None:
    app = FastAPI()

    @app.get("/staff/people")
    async def people(q: str = "") -> dict[str, int]:
        return {"found": len(q)}

    tracing.instrument_app(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://contacts") as client:
        answer = await client.get("/staff/people", params={"q": "aino.aalto@example.fi"})
    assert answer.json() == {"found": 21}
    tracing.flush()
    spans = exporter.get_finished_spans()
    [server] = [s for s in spans if s.attributes and s.attributes.get("http.route")]
    assert server.attributes is not None and server.attributes["http.url"].endswith("/staff/people")
    for span in spans:
        assert "aalto" not in str(dict(span.attributes or {})), span.name
