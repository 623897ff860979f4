"""The public signup page under load, measured from a second process through nginx.

The contacts web app runs as its own process(es) (uvicorn, loopback, on CONTACTS_WEB_PORT)
on a scratch database `contacts_bench` next to CONTACTS_DATABASE_URL, behind the test
environment's nginx on PROXY_PORT (`--direct`: no proxy); this process is the visitors.

Four measurements, one after the other:
- GET /join, saturated: `--clients` visitors, each loading the page again when it has it;
- GET /join at `--get-rate` per second (open loop: the latencies at that offered rate);
- POST /join, saturated, and POST /join at `--post-rate` per second.
Every POST is a new address, so each stores a pending person, its snapshot event, the
signup (the consent record with its wording version), its activity row and the
confirmation-mail request, in one transaction. Afterwards every one of them is counted:
the figures only count answered POSTs whose rows all exist. The per-IP limit is raised for
the run (every visitor comes from 127.0.0.1).

    deploy/bin/with-test-env.sh .venv/bin/python bench/signup.py --workers 2
    # against a running test stack (make test-stack), with its ports exported:
    source .run/test/pytest.env && .venv/bin/python bench/signup.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import uuid
from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from web_process import (
    Tally,
    cpu_seconds,
    load,
    paced,
    proxy,
    saturated,
    scratch_database,
    service_port,
    start_web,
    stop,
    wait_ready,
)

Request = Callable[[int], Awaitable[None]]
COUNTS = {
    "people": "SELECT count(*) FROM people",
    "signups (consent records)": "SELECT count(*) FROM signups WHERE wording_version <> ''",
    "signed_up activity": "SELECT count(*) FROM activity WHERE kind = 'signed_up'",
    "snapshot events": "SELECT count(*) FROM outbox WHERE topic LIKE '%contacts.contact.v1'",
    "activity events": "SELECT count(*) FROM outbox WHERE topic LIKE '%contacts.events.v1'",
    "confirmation mails": "SELECT count(*) FROM outbox WHERE topic LIKE '%mail.requested.v1'",
}


def form(version: str) -> dict[str, str]:
    return {
        "email": f"bench-{uuid.uuid4().hex}@example.fi",
        "first_name": "Kuorma",
        "last_name": "Testi",
        "organisation_type": "library",
        "municipality": "091",
        "language": "fi",
        "consent": "yes",
        "wording_version": version,
    }


async def counts(url: str) -> dict[str, int]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        found = {name: (await conn.execute(text(sql))).scalar_one() for name, sql in COUNTS.items()}
    await engine.dispose()
    return found


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100, help="saturating visitors")
    parser.add_argument("--seconds", type=float, default=10, help="per saturated phase")
    parser.add_argument("--get-rate", type=float, default=500)
    parser.add_argument("--post-rate", type=float, default=200)
    parser.add_argument("--paced-seconds", type=float, default=5)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn processes")
    parser.add_argument("--pool", type=int, default=20, help="database pool per process")
    parser.add_argument("--overflow", type=int, default=None, help="default: as the pool")
    parser.add_argument(
        "--phases", default="get,get-paced,post,post-paced", help="which measurements, in order"
    )
    parser.add_argument("--direct", action="store_true", help="no nginx in between")
    parser.add_argument("--port", type=int, default=service_port("contacts", 48101))
    args = parser.parse_args()
    overflow = "default" if args.overflow is None else args.overflow
    url = await scratch_database(os.environ["CONTACTS_DATABASE_URL"], "contacts")
    # Every visitor comes from 127.0.0.1: the per-IP limit is lifted for the run.
    unlimited = {"CONTACTS_SIGNUP_BURST": "1000000", "CONTACTS_SIGNUP_PER_MINUTE": "1000000"}
    web = start_web(
        "contacts",
        url,
        args.port,
        unlimited,
        workers=args.workers,
        pool_size=args.pool,
        overflow=args.overflow,
    )
    try:
        with proxy(not args.direct) as proxied:
            base = proxied or f"http://127.0.0.1:{args.port}"
            # At most 500 visitors at once (connections); a paced phase that the server cannot
            # keep up with queues here, and its latencies include that wait.
            limits = httpx.Limits(max_connections=500, max_keepalive_connections=500)
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
                await wait_ready(client)
                page = await client.get("/join", params={"lang": "fi"})  # warm every process
                for _ in range(4 * args.workers):
                    await client.get("/join", params={"lang": "fi"})
                found = re.search(r'name="wording_version" value="([^"]*)"', page.text)
                version = found.group(1) if found else ""
                assert version, "the form names no consent wording"

                def get(tally: Tally) -> Request:
                    async def one(_: int) -> None:
                        await tally.send(client.get("/join", params={"lang": "fi"}), 200)

                    return one

                def post(tally: Tally) -> Request:
                    async def one(_: int) -> None:
                        await tally.send(client.post("/join", data=form(version)), 200)

                    return one

                print(f"{base} workers {args.workers}, pool {args.pool}+{overflow}; {load()}")
                phases = args.phases.split(",")
                posted, paced_posts = Tally(), Tally()
                if "get" in phases:
                    tally = Tally()
                    cpu = cpu_seconds(web.pid)
                    wall = await saturated(args.clients, args.seconds, get(tally))
                    used = (cpu_seconds(web.pid) - cpu) * 1000 / max(len(tally.latencies), 1)
                    print(tally.line(f"GET  /join x{args.clients}", wall), flush=True)
                    print(f"{'':18} web CPU {used:.1f} ms per GET", flush=True)
                if "get-paced" in phases:
                    tally = Tally()
                    count = int(args.get_rate * args.paced_seconds)
                    wall = await paced(args.get_rate, count, get(tally))
                    print(tally.line(f"GET  /join @{args.get_rate:.0f}/s", wall), flush=True)
                if "post" in phases:
                    cpu = cpu_seconds(web.pid)
                    wall = await saturated(args.clients, args.seconds, post(posted))
                    used = (cpu_seconds(web.pid) - cpu) * 1000 / max(len(posted.latencies), 1)
                    print(posted.line(f"POST /join x{args.clients}", wall), flush=True)
                    print(f"{'':18} web CPU {used:.1f} ms per POST", flush=True)
                if "post-paced" in phases:
                    count = int(args.post_rate * args.paced_seconds)
                    wall = await paced(args.post_rate, count, post(paced_posts))
                    print(paced_posts.line(f"POST /join @{args.post_rate:.0f}/s", wall), flush=True)
        answered = len(posted.latencies) + len(paced_posts.latencies)
        stored = await counts(url)
        print(f"answered POSTs: {answered}; stored: {stored}")
        missing = {name: n for name, n in stored.items() if n < answered}
        print("every row present" if not missing else f"MISSING ROWS: {missing}")
        print(f"after: {load()}")
    finally:
        stop(web)


if __name__ == "__main__":
    asyncio.run(main())
