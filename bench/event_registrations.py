"""A popular webinar opens: N registrations arriving within a window, capacity C.

This process is the visitors (each with an address of its own and its own client IP, as
nginx would pass it); the events web app runs as its own process on loopback. The script makes
a scratch database `events_bench` next to EVENTS_DATABASE_URL, migrates it, creates and
publishes one webinar through the staff API, then posts the public registration form N times,
spread evenly over the window (or all at once with --window 0). It checks the outcome in the
database: exactly C registered, N - C on the waiting list, one mail request each in the outbox
(no worker runs here, so they stay there), and prints latency percentiles.

    deploy/bin/with-test-env.sh .venv/bin/python bench/event_registrations.py
    (defaults: --registrations 1000 --capacity 500 --window 60)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import UTC, datetime, timedelta

import httpx
from events.tables import outbox, registrations
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from web_process import scratch_database, spread, start_web, stop, wait_ready

STAFF = {"X-Staff-Id": "bench", "X-Staff-Role": "admin"}


async def create_webinar(client: httpx.AsyncClient, capacity: int) -> str:
    start = datetime.now(UTC) + timedelta(days=7)
    made = await client.post(
        "/api/events/events",
        headers=STAFF,
        json={
            "kind": "webinar",
            "title": {"fi": "Suosittu webinaari"},
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "online": True,
            "join_url": "https://meet.example.fi/bench",
            "capacity": capacity,
            "publish": True,
        },
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def visitor(
    client: httpx.AsyncClient, event_id: str, i: int, delay: float, go: asyncio.Event
) -> tuple[float, int]:
    await go.wait()
    await asyncio.sleep(delay)
    t0 = time.perf_counter()
    try:
        answer = await client.post(
            f"/events/{event_id}/register",
            data={"name": f"Osallistuja {i}", "email": f"v{i}@bench.example", "consent": "yes"},
            headers={"X-Real-IP": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"},
        )
    except httpx.TransportError:
        return time.perf_counter() - t0, 0
    return time.perf_counter() - t0, int(answer.status_code == 200)


async def counts(url: str) -> tuple[dict[str, int], int]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        states = dict(
            (
                await conn.execute(
                    select(registrations.c.state, func.count()).group_by(registrations.c.state)
                )
            ).all()
        )
        mails = await conn.scalar(select(func.count()).where(outbox.c.topic == "mail.requested.v1"))
    await engine.dispose()
    return {str(k): int(v) for k, v in states.items()}, int(mails or 0)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrations", type=int, default=1000)
    parser.add_argument("--capacity", type=int, default=500)
    parser.add_argument("--window", type=float, default=60.0, help="seconds; 0 = all at once")
    parser.add_argument("--port", type=int, default=int(os.environ.get("EVENTS_WEB_PORT", "48104")))
    args = parser.parse_args()
    url = await scratch_database(os.environ["EVENTS_DATABASE_URL"], "events")
    web = start_web("events", url, args.port)
    try:
        n = args.registrations
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{args.port}", limits=limits, timeout=120
        ) as client:
            await wait_ready(client)
            event_id = await create_webinar(client, args.capacity)
            go = asyncio.Event()
            tasks = [
                asyncio.create_task(visitor(client, event_id, i, args.window * i / n, go))
                for i in range(n)
            ]
            await asyncio.sleep(0.2)
            started = time.perf_counter()
            go.set()
            results = await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - started
        states, mails = await counts(url)
        ok = sum(r[1] for r in results)
        print(
            f"registrations: {n} in {elapsed:.1f} s (window {args.window:.0f} s), "
            f"answered OK: {ok}, capacity {args.capacity}"
        )
        print(f"registered: {states.get('registered', 0)}, waiting: {states.get('waitlisted', 0)}")
        print(f"mail requests in the outbox: {mails}")
        latencies = [r[0] for r in results]
        print(f"register {spread(latencies)}  max {max(latencies) * 1000:.0f} ms")
        assert states.get("registered") == min(n, args.capacity), states
        assert states.get("waitlisted", 0) == max(0, n - args.capacity), states
        assert mails == n, mails
    finally:
        stop(web)


if __name__ == "__main__":
    asyncio.run(main())
