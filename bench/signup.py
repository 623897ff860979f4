"""The public signup page under load, measured from a second process.

The contacts web app runs as its own process (uvicorn, loopback) on a scratch database
`contacts_bench` next to CONTACTS_DATABASE_URL; this process is the visitors. Each visitor
loads `/join` (GET) and sends the form (POST, a new address every time, so each POST stores a
signup, a pending person, its snapshot and the confirmation-mail request in one
transaction). The per-IP limit is raised for the run: every visitor comes from 127.0.0.1.

    deploy/bin/with-test-env.sh .venv/bin/python bench/signup.py --visitors 32 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import time
import uuid

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from web_process import scratch_database, spread, start_web, stop, wait_ready


async def visitor(
    client: httpx.AsyncClient, until: float, gets: list[float], posts: list[float]
) -> int:
    failures = 0
    while time.perf_counter() < until:
        started = time.perf_counter()
        page = await client.get("/join", params={"lang": "fi"})
        gets.append(time.perf_counter() - started)
        version = re.search(r'name="wording_version" value="([^"]*)"', page.text)
        form = {
            "email": f"bench-{uuid.uuid4().hex}@example.fi",
            "first_name": "Kuorma",
            "last_name": "Testi",
            "organisation_type": "library",
            "municipality": "091",
            "language": "fi",
            "consent": "yes",
            "wording_version": version.group(1) if version else "",
        }
        started = time.perf_counter()
        sent = await client.post("/join", data=form)
        posts.append(time.perf_counter() - started)
        failures += page.status_code != 200 or sent.status_code != 200
    return failures


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visitors", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=48101)
    args = parser.parse_args()
    url = await scratch_database(os.environ["CONTACTS_DATABASE_URL"], "contacts")
    # Every visitor comes from 127.0.0.1: the per-IP limit is lifted for the run.
    unlimited = {"CONTACTS_SIGNUP_BURST": "1000000", "CONTACTS_SIGNUP_PER_MINUTE": "1000000"}
    web = start_web("contacts", url, args.port, unlimited)
    try:
        limits = httpx.Limits(max_connections=args.visitors)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{args.port}", limits=limits, timeout=60
        ) as client:
            await wait_ready(client)
            await client.get("/join")  # warm the templates and catalogs
            gets: list[float] = []
            posts: list[float] = []
            started = time.perf_counter()
            until = started + args.seconds
            failures = sum(
                await asyncio.gather(
                    *(visitor(client, until, gets, posts) for _ in range(args.visitors))
                )
            )
            elapsed = time.perf_counter() - started
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            stored = (await conn.execute(text("SELECT count(*) FROM signups"))).scalar_one()
            mails = (
                await conn.execute(
                    text("SELECT count(*) FROM outbox WHERE topic LIKE '%mail.requested.v1'")
                )
            ).scalar_one()
        await engine.dispose()
        print(f"visitors: {args.visitors}, wall time: {elapsed:.1f} s, failed: {failures}")
        print(f"requests/s (GET + POST): {(len(gets) + len(posts)) / elapsed:.0f}")
        print(f"GET  /join: {len(gets)}  {spread(gets)}")
        print(f"POST /join: {len(posts)}  {spread(posts)}")
        print(f"stored signups: {stored}, confirmation mails requested: {mails}")
    finally:
        stop(web)


if __name__ == "__main__":
    asyncio.run(main())
