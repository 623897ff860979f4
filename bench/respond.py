"""500 concurrent respondents submitting against the surveys web process, through nginx.

This process is the respondents; the surveys web app runs as its own process(es) (uvicorn,
loopback, on SURVEYS_WEB_PORT) behind the test environment's nginx on PROXY_PORT
(`--direct`: no proxy). The script makes a scratch database `surveys_bench` next to
SURVEYS_DATABASE_URL, migrates it, fills the replica with 2 x N people, launches an
identified campaign through the staff API (directly, not through the proxy) and takes the
personal links from the outbox (no worker runs, so the mail requests stay there). Then:
- burst: N respondents open their link (GET) and submit (POST) all at once;
- paced: N more start at `--rate` per second (open loop), each opening and submitting.
Every submission writes the response, marks the invitation answered and puts its
surveys.responses.v1 event into the outbox, in one transaction; afterwards all three are
counted, and the figures only count submissions whose rows all exist.

    deploy/bin/with-test-env.sh .venv/bin/python bench/respond.py --respondents 500
    # against a running test stack (make test-stack), with its ports exported:
    source .run/test/pytest.env && .venv/bin/python bench/respond.py --workers 2
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
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import create_async_engine
from surveys.tables import contact_snapshot, invitations, outbox, responses
from web_process import (
    Tally,
    load,
    paced,
    proxy,
    scratch_database,
    service_port,
    start_web,
    stop,
    wait_ready,
)

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


def answers(i: int) -> dict[str, str]:
    return {
        "page": "0",
        "action": "submit",
        "q_uses": "yes" if i % 3 else "no",
        "q_nps": str(i % 11),
        "q_grid.a": str(1 + i % 5),
        "q_grid.b": "3",
        "q_note": f"Terveisiä {i}",
    }


async def respondent(
    client: httpx.AsyncClient, token: str, i: int, opens: Tally, submits: Tally
) -> None:
    if await opens.send(client.get(f"/s/{token}"), 200) is not None:
        await submits.send(client.post(f"/s/{token}", data=answers(i)), 303)


async def stored(url: str) -> dict[str, int]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        found = {
            "responses": (await conn.execute(select(func.count()).select_from(responses))),
            "invitations answered": await conn.execute(
                select(func.count()).select_from(invitations).where(invitations.c.answered)
            ),
            "response events": await conn.execute(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.topic.like("%surveys.responses.v1"))
            ),
        }
        counted = {name: int(result.scalar_one()) for name, result in found.items()}
    await engine.dispose()
    return counted


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=500, help="per phase")
    parser.add_argument("--rate", type=float, default=200, help="paced phase: starts per second")
    parser.add_argument("--phases", default="burst,paced")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn processes")
    parser.add_argument("--pool", type=int, default=20, help="database pool per process")
    parser.add_argument("--overflow", type=int, default=None, help="default: as the pool")
    parser.add_argument("--direct", action="store_true", help="no nginx in between")
    parser.add_argument("--port", type=int, default=service_port("surveys", 48103))
    args = parser.parse_args()
    overflow = "default" if args.overflow is None else args.overflow
    n = args.respondents
    url = await prepare(os.environ["SURVEYS_DATABASE_URL"], 2 * n)
    web = start_web(
        "surveys", url, args.port, workers=args.workers, pool_size=args.pool, overflow=args.overflow
    )
    try:
        limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
        direct_url = f"http://127.0.0.1:{args.port}"
        async with httpx.AsyncClient(base_url=direct_url, timeout=120) as staff:
            await wait_ready(staff)
            invited = await launch(staff)
        tokens = await tokens_from_outbox(url)
        assert len(tokens) == invited == 2 * n, (len(tokens), invited)
        with proxy(not args.direct) as proxied:
            async with httpx.AsyncClient(
                base_url=proxied or direct_url, limits=limits, timeout=120
            ) as client:
                for _ in range(4 * args.workers):  # warm every process
                    await client.get("/s/not-a-token")
                setup = f"workers {args.workers}, pool {args.pool}+{overflow}"
                print(f"{client.base_url} {setup}; {load()}")
                ok = 0
                if "burst" in args.phases:
                    opens, submits = Tally(), Tally()
                    go = asyncio.Event()

                    async def waiting(i: int) -> None:
                        await go.wait()
                        await respondent(client, tokens[i], i, opens, submits)

                    tasks = [asyncio.create_task(waiting(i)) for i in range(n)]
                    await asyncio.sleep(0.2)
                    started = time.perf_counter()
                    go.set()
                    await asyncio.gather(*tasks)
                    wall = time.perf_counter() - started
                    print(opens.line(f"open   {n} at once", wall), flush=True)
                    print(submits.line(f"submit {n} at once", wall), flush=True)
                    ok += len(submits.latencies)
                if "paced" in args.phases:
                    opens, submits = Tally(), Tally()

                    async def one(i: int) -> None:
                        await respondent(client, tokens[n + i], n + i, opens, submits)

                    wall = await paced(args.rate, n, one)
                    print(opens.line(f"open   @{args.rate:.0f}/s", wall), flush=True)
                    print(submits.line(f"submit @{args.rate:.0f}/s", wall), flush=True)
                    ok += len(submits.latencies)
        counted = await stored(url)
        print(f"answered submissions: {ok}; stored: {counted}")
        missing = {name: c for name, c in counted.items() if c < ok}
        print("every row present" if not missing else f"MISSING ROWS: {missing}")
        print(f"after: {load()}")
    finally:
        stop(web)


if __name__ == "__main__":
    asyncio.run(main())
