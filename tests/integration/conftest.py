"""Integration tests: real Kafka and PostgreSQL, code called in process (fixtures:
tests/support/plugin.py; those only integration modules use are below, once)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


@pytest.fixture
async def db(clean_db: dict[str, AsyncEngine]) -> AsyncEngine:
    """Newsletter's test database, emptied for this test."""
    return clean_db["newsletter"]


@pytest.fixture
async def register(engine: AsyncEngine) -> None:
    """For contacts' import tests (on contacts' own database, `engine`): a library known by
    name and business ID, and the topic the file names by name."""
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO organisations (id, name, type, business_id) "
                "VALUES (:i, 'Helmet-kirjastot', 'library', '0201256-6')"
            ),
            {"i": uuid.uuid4()},
        )
        await conn.execute(
            text(
                "INSERT INTO topics (key, name_fi, name_sv, name_en) VALUES "
                "('webinaarit', 'Webinaarit', 'Webbinarier', 'Webinars') ON CONFLICT DO NOTHING"
            )
        )


class _Links(BaseHTTPRequestHandler):
    """/ok answers 200, every other path 404."""

    def do_HEAD(self) -> None:
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def link_server() -> Iterator[str]:
    """A local web server for the composer's link check: `<url>/ok` lives, the rest is gone."""
    server = HTTPServer(("127.0.0.1", 0), _Links)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
