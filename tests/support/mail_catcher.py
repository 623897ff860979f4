"""The test stack's mail catcher (deploy/mailcatcher): the mails it caught, read by recipient.

One catcher serves every test worker and every service process of a run at once, so a test
reads only the mails to addresses of its own and never empties it: emptying would delete the
mails another test is waiting for (tests/unit/test_mail_catcher_reads.py holds that).
"""

from __future__ import annotations

import os
from typing import Any

import httpx


def catcher_url() -> str:
    return os.environ.get(
        "MAILCATCHER_URL", f"http://127.0.0.1:{os.environ.get('MAILCATCHER_HTTP_PORT', '8025')}"
    )


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=catcher_url(), timeout=10)


async def summaries_to(to: str) -> list[dict[str, Any]]:
    """The summaries (id, envelope, subject) of the mails whose recipient contains `to`,
    oldest first: the catcher matches a substring, so `to` should be unique to the test."""
    async with _client() as client:
        response = await client.get("/api/messages", params={"to": to})
        response.raise_for_status()
        return list(response.json())


async def mails_to(to: str) -> list[dict[str, Any]]:
    """Every mail whose recipient contains `to`, oldest first, each whole: headers, text,
    html and raw source."""
    async with _client() as client:
        found = (await client.get("/api/messages", params={"to": to})).json()
        mails = []
        for summary in found:
            response = await client.get(f"/api/messages/{summary['id']}")
            response.raise_for_status()
            mails.append(response.json())
        return mails
