"""Checking a campaign's links before it goes out (NEWSLETTER_LINK_CHECK = off|syntax|http)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpx

TIMEOUT_S = 5.0


def syntax_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "not an http(s) address"
    if not parts.hostname:
        return "no host"
    return None


async def _http_problem(client: httpx.AsyncClient, url: str) -> str | None:
    try:
        # HEAD first (cheap); some servers refuse it, so a 405/501 is retried with GET.
        answer = await client.head(url)
        if answer.status_code in (405, 501):
            answer = await client.get(url)
    except httpx.ConnectError:
        return "the host does not resolve or answer"
    except httpx.TimeoutException:
        return "no answer in time"
    except httpx.HTTPError:
        return "no answer"
    if answer.status_code >= 400:
        return f"answers HTTP {answer.status_code}"
    return None


async def broken_links(urls: Iterable[str], mode: str) -> dict[str, str]:
    """Link -> why it is broken, for the links that fail the check of `mode`."""
    if mode == "off":
        return {}
    found: dict[str, str] = {}
    to_fetch: list[str] = []
    for url in dict.fromkeys(urls):
        problem = syntax_problem(url)
        if problem:
            found[url] = problem
        else:
            to_fetch.append(url)
    if mode == "http" and to_fetch:
        async with httpx.AsyncClient(timeout=TIMEOUT_S, follow_redirects=True) as client:
            answers = await asyncio.gather(*(_http_problem(client, u) for u in to_fetch))
        found |= {u: a for u, a in zip(to_fetch, answers, strict=True) if a}
    return found
