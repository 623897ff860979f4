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
import secrets
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.entrypoints import migrate

REPO = Path(__file__).resolve().parents[1]
LOG = Path(os.environ.get("STATE_DIR", "/tmp")) / "bench-contacts-web.log"


async def prepare(base_url: str) -> str:
    root, _ = base_url.rsplit("/", 1)
    admin = create_async_engine(f"{root}/postgres", isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text('DROP DATABASE IF EXISTS "contacts_bench" WITH (FORCE)'))
        await conn.execute(text('CREATE DATABASE "contacts_bench"'))
    await admin.dispose()
    url = f"{root}/contacts_bench"
    await asyncio.to_thread(migrate, REPO / "services" / "contacts" / "migrations", url)
    return url


def start_web(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CONTACTS_DATABASE_URL": url,
        "CONTACTS_WEB_PORT": str(port),
        "CONTACTS_DB_POOL_SIZE": "20",
        "CONTACTS_SIGNUP_BURST": "1000000",
        "CONTACTS_SIGNUP_PER_MINUTE": "1000000",
        "LOG_LEVEL": "WARNING",
        "LINK_SECRET": os.environ.get("LINK_SECRET", secrets.token_hex(32)),
        "CONTACTS_SECRET_KEY": os.environ.get("CONTACTS_SECRET_KEY", secrets.token_hex(32)),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "contacts.main", "web"],
        env=env,
        cwd=REPO,
        stdout=LOG.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


async def wait_ready(client: httpx.AsyncClient) -> None:
    for _ in range(300):
        try:
            if (await client.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"the contacts web process did not start; see {LOG}")


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


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visitors", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=48101)
    args = parser.parse_args()
    url = await prepare(os.environ["CONTACTS_DATABASE_URL"])
    web = start_web(url, args.port)
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
        print(f"GET  /join: {len(gets)}  p50 {pct(gets, 50):.0f} ms  p95 {pct(gets, 95):.0f} ms")
        print(f"POST /join: {len(posts)}  p50 {pct(posts, 50):.0f} ms  p95 {pct(posts, 95):.0f} ms")
        print(f"stored signups: {stored}, confirmation mails requested: {mails}")
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        try:
            web.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(web.pid, signal.SIGKILL)


if __name__ == "__main__":
    asyncio.run(main())
