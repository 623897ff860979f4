"""500 concurrent respondents submitting against the surveys web process (uvicorn, loopback).

This process is the respondents; the surveys web app runs as its own process. The script
makes a scratch database `surveys_bench` next to SURVEYS_DATABASE_URL, migrates it, fills the
replica with N people, launches an identified campaign through the staff API and takes the
personal links from the outbox (no worker runs, so the mail requests stay there). Then every
respondent opens its link (GET) and submits (POST) at once.

    deploy/bin/with-test-env.sh .venv/bin/python bench/respond.py --respondents 500
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import create_async_engine
from surveys.tables import contact_snapshot, outbox
from web_process import scratch_database, spread, start_web, stop, wait_ready

STAFF = {"X-Staff-Id": "bench", "X-Staff-Role": "admin"}
SURVEY = {
    "title": {"fi": "Kuormitustesti", "en": "Load test"},
    "pages": [
        {
            "questions": [
                {
                    "id": "uses",
                    "type": "single",
                    "required": True,
                    "text": "Käytättekö?",
                    "choices": [{"value": "yes", "text": "Kyllä"}, {"value": "no", "text": "Ei"}],
                },
                {"id": "nps", "type": "nps", "required": True, "text": "Suosittelisitko?"},
                {
                    "id": "grid",
                    "type": "matrix",
                    "text": "Arvioi",
                    "rows": [{"value": "a", "text": "A"}, {"value": "b", "text": "B"}],
                },
                {"id": "note", "type": "long_text", "text": "Terveiset"},
            ]
        }
    ],
}


async def prepare(base_url: str, n: int) -> str:
    url = await scratch_database(base_url, "surveys")
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(
            insert(contact_snapshot),
            [
                {
                    "contact_id": uuid.uuid4(),
                    "version": 1,
                    "email": f"r{i}@bench.example",
                    "language": "fi",
                    "survey_consent": True,
                    "email_status": "ok",
                    "confirmed_at": datetime.now(UTC),
                }
                for i in range(n)
            ],
        )
    await engine.dispose()
    return url


async def tokens_from_outbox(url: str) -> list[str]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        rows = (
            (
                await conn.execute(
                    select(outbox.c.payload).where(outbox.c.topic == "mail.requested.v1")
                )
            )
            .scalars()
            .all()
        )
    await engine.dispose()
    return [json.loads(p)["variables"]["survey_url"].rsplit("/s/", 1)[1] for p in rows]


async def launch(client: httpx.AsyncClient) -> int:
    survey = await client.post("/api/surveys/surveys", json={"definition": SURVEY}, headers=STAFF)
    now = datetime.now(UTC)
    campaign = await client.post(
        "/api/surveys/campaigns",
        headers=STAFF,
        json={
            "survey_id": survey.json()["id"],
            "name": "bench",
            "mode": "identified",
            "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": (now + timedelta(days=1)).isoformat(),
        },
    )
    cid = campaign.json()["id"]
    launched = await client.post(f"/api/surveys/campaigns/{cid}/launch", headers=STAFF)
    return int(launched.json()["invited"])


async def respondent(
    client: httpx.AsyncClient, token: str, go: asyncio.Event, i: int
) -> tuple[float, float, int]:
    await go.wait()
    t0 = time.perf_counter()
    form = {
        "page": "0",
        "action": "submit",
        "q_uses": "yes" if i % 3 else "no",
        "q_nps": str(i % 11),
        "q_grid.a": str(1 + i % 5),
        "q_grid.b": "3",
        "q_note": f"Terveisiä {i}",
    }
    try:
        page = await client.get(f"/s/{token}")
        t1 = time.perf_counter()
        sent = await client.post(f"/s/{token}", data=form)
    except httpx.TransportError:
        return time.perf_counter() - t0, 0.0, 0
    t2 = time.perf_counter()
    ok = page.status_code == 200 and sent.status_code == 303
    return t1 - t0, t2 - t1, int(ok)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=500)
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("SURVEYS_WEB_PORT", "48103"))
    )
    args = parser.parse_args()
    url = await prepare(os.environ["SURVEYS_DATABASE_URL"], args.respondents)
    web = start_web("surveys", url, args.port)
    try:
        limits = httpx.Limits(
            max_connections=args.respondents, max_keepalive_connections=args.respondents
        )
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{args.port}", limits=limits, timeout=120
        ) as client:
            await wait_ready(client)
            invited = await launch(client)
            tokens = await tokens_from_outbox(url)
            assert len(tokens) == invited == args.respondents, (len(tokens), invited)
            go = asyncio.Event()
            tasks = [
                asyncio.create_task(respondent(client, t, go, i)) for i, t in enumerate(tokens)
            ]
            await asyncio.sleep(0.2)
            started = time.perf_counter()
            go.set()
            results = await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - started
        opens = [r[0] for r in results]
        submits = [r[1] for r in results if r[2]]
        ok = sum(r[2] for r in results)
        print(f"respondents: {args.respondents}, submitted OK: {ok}, wall time: {elapsed:.2f} s")
        print(f"responses/s (open + submit each): {ok / elapsed:.0f}")
        print(f"open   {spread(opens)}")
        print(f"submit {spread(submits)}  max {max(submits) * 1000:.0f} ms")
    finally:
        stop(web)


if __name__ == "__main__":
    asyncio.run(main())
