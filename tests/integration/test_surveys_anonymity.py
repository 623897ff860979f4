"""Anonymous answers cannot be joined back to their invitations by anyone with the database,
the events or the logs (docs/surveys.md, "Anonymity: what we promise").

N people answer an anonymous campaign through nginx (the real template) and the real response
page; the worker's ballot-box job moves the answers; the outbox relay puts the events on a real
Kafka. Then an analyst tries every join: columns, system columns (xmin, ctid), dates, row
order, the Kafka records' order and times, the access log and the web process's own logs.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import shutil
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.app import create_app
from surveys.ballot_box.domain import BallotSeal
from surveys.ballot_box.service import empty_boxes
from surveys.settings import SurveysSettings
from surveys.tables import outbox
from surveys.unit_of_work import unit_of_work

from shared.outbox.relay import OutboxRelay, RelayConfig, make_producer
from tests.support.infra import Infra
from tests.support.surveys import add_people, mails_of, person, start_campaign, token_of

REPO = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
N, K = 12, 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def surveys_behind_nginx(tmp: Path) -> AsyncIterator[tuple[str, Path]]:
    """Surveys' web app on a port, nginx (the real template) in front: (proxy URL, access log)."""
    web_port, proxy_port = free_port(), free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(), host="127.0.0.1", port=web_port, access_log=False, log_config=None
        )
    )
    serving = asyncio.create_task(server.serve())
    conf = (REPO / "deploy/nginx/digituki.conf.template").read_text()
    # Every variable the template takes (nginx.sh's list), so nginx starts from it as it is.
    for name, value in {
        "${PROXY_PORT}": str(proxy_port),
        "${PROXY_SECRET}": "",  # the app in process trusts no secret: none is needed here
        "${CONTACTS_UPSTREAM}": f"127.0.0.1:{free_port()}",
        "${NEWSLETTER_UPSTREAM}": f"127.0.0.1:{free_port()}",
        "${SURVEYS_UPSTREAM}": f"127.0.0.1:{web_port}",
        "${EVENTS_UPSTREAM}": f"127.0.0.1:{free_port()}",
    }.items():
        conf = conf.replace(name, value)
    for folder in ("logs", "temp"):
        (tmp / folder).mkdir(exist_ok=True)
    (tmp / "nginx.conf").write_text(conf)
    nginx = await asyncio.create_subprocess_exec(
        NGINX,
        *("-p", f"{tmp}/", "-e", str(tmp / "logs/error.log"), "-c", str(tmp / "nginx.conf")),
        *("-g", "daemon off;"),
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{proxy_port}") as probe:
            for _ in range(100):
                try:
                    if server.started and (await probe.get("/s/warm-up")).status_code == 404:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        yield f"http://127.0.0.1:{proxy_port}", tmp / "logs/access.log"
    finally:
        nginx.terminate()
        await nginx.wait()
        server.should_exit = True
        await serving


async def staff_view(path: str) -> Any:
    app = create_app()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://surveys",
            headers={"X-Staff-Id": "analyst", "X-Staff-Role": "admin"},
        ) as staff,
    ):
        found = await staff.get(path)
        assert found.status_code == 200, found.text
        return found.json()


async def relay(engine: AsyncEngine, infra: Infra, topics: str) -> None:
    config = RelayConfig("surveys", "", infra.kafka, topic_prefix=topics, batch_size=1000)
    producer = make_producer(infra.kafka, client_id="anonymity-test")
    await producer.start()
    try:
        while await OutboxRelay(engine, outbox, config).publish_batch(producer):
            pass
    finally:
        await producer.stop()


async def records_of(infra: Infra, topic: str, campaign_id: str) -> list[Any]:
    """The campaign's records in partition order (one key: one partition), with their times."""
    consumer = AIOKafkaConsumer(bootstrap_servers=infra.kafka, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in range(6)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        found: list[Any] = []
        while any([await consumer.position(tp) < ends[tp] for tp in parts]):
            for batch in (await consumer.getmany(*parts, timeout_ms=500)).values():
                found += [r for r in batch if r.key == campaign_id.encode()]
        return sorted(found, key=lambda r: (r.partition, r.offset))
    finally:
        await consumer.stop()


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).mappings().all())


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is installed by deploy/bin/nginx.sh")
async def test_an_analyst_with_the_database_events_and_logs_cannot_join_answers_to_people(
    clean_db: dict[str, AsyncEngine],
    infra: Infra,
    topics: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = clean_db["surveys"]
    await add_people(engine, [person() for _ in range(N)])
    app = create_app()
    staff = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://surveys",
        headers={"X-Staff-Id": "analyst", "X-Staff-Role": "admin"},
    )
    async with app.router.lifespan_context(app), staff:
        campaign_id, invited = await start_campaign(staff, mode="anonymous", max_reminders=0)
    assert invited == N
    await relay(engine, infra, topics)
    tokens = [token_of(m) for m in await mails_of(infra, topics, campaign_id, N)]
    invitation_of = {
        t: (await rows(engine, "SELECT id FROM invitations WHERE token_hash = :h", h=h))[0]["id"]
        for t in tokens
        for h in [hashlib.sha256(t.encode()).digest()]
    }
    random.shuffle(tokens)
    # Each respondent writes a text only they would: the ground truth the analyst is after.
    said = {t: f"vastaaja {n}: {uuid.uuid4().hex[:6]}" for n, t in enumerate(tokens)}

    caplog.set_level(logging.DEBUG)
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    async with surveys_behind_nginx(tmp_path) as (proxy, access_log):
        async with httpx.AsyncClient(base_url=proxy) as browser:
            for token in tokens:
                assert (await browser.get(f"/s/{token}")).status_code == 200
                step = {"page": "0", "action": "next", "q_uses": "no"}
                assert (await browser.post(f"/s/{token}", data=step)).status_code == 303
                [draft] = await rows(engine, "SELECT answers FROM drafts")
                assert list(draft["answers"]) == ["~sealed"]  # partial answers sealed too
                resumed = await browser.get(f"/s/{token}")
                assert 'name="q_why_not"' in resumed.text  # and the draft still resumes
                last = {"page": "1", "action": "submit", "q_why_not": said[token]}
                done = await browser.post(f"/s/{token}", data=last | {"q_recommend": "7"})
                assert done.status_code == 303, done.text
                assert (await browser.get(done.headers["location"])).status_code == 200
        log_lines = access_log.read_text().splitlines()

    # Waiting in the box: the invitations are marked, nothing readable is stored.
    assert await rows(engine, "SELECT * FROM responses") == []
    assert await rows(engine, "SELECT * FROM drafts") == []
    ballots = await rows(engine, "SELECT sealed FROM ballot_box")
    assert len(ballots) == N and len({len(b["sealed"]) for b in ballots}) == 1
    assert not any(s.split(":")[1].encode() in b["sealed"] for s in said.values() for b in ballots)

    waiting = await staff_view(f"/api/surveys/campaigns/{campaign_id}")
    assert (waiting["answered"], waiting["awaiting_batch"]) == (N, N)  # staff see why results lag
    seal = BallotSeal.from_token_keys(SurveysSettings().token_keys())
    new_uow = lambda: unit_of_work(engine)  # noqa: E731
    # A fixed seed (production draws from the system's random source) keeps the test repeatable.
    rng = random.Random(20261202)
    assert await empty_boxes(new_uow, seal=seal, k=K, rng=rng) == N - K  # k stay behind
    async with engine.begin() as conn:  # the campaign closes: the rest moves
        await conn.execute(
            text("UPDATE campaigns SET closes_at = now() WHERE id = :id"), {"id": campaign_id}
        )
    assert await empty_boxes(new_uow, seal=seal, k=K, rng=rng) == K
    assert await rows(engine, "SELECT * FROM ballot_box") == []
    assert (await staff_view(f"/api/surveys/campaigns/{campaign_id}"))["awaiting_batch"] == 0
    await relay(engine, infra, topics)

    # --- the analyst -----------------------------------------------------------------------
    responses = await rows(
        engine,
        "SELECT id, answers, submitted_on, submitted_at, invitation_id, contact_id, language,"
        " organisation_type, region, xmin::text::bigint AS xid, ctid::text AS ctid"
        " FROM responses ORDER BY responses.ctid",
    )
    invitations = await rows(
        engine, "SELECT id, answered, xmin::text::bigint AS xid FROM invitations ORDER BY xid"
    )
    assert len(responses) == N and all(i["answered"] for i in invitations)
    truth = {
        r["id"]: next(t for t in tokens if said[t] == r["answers"]["why_not"]) for r in responses
    }

    # Columns: nothing of the person, the invitation or the time beyond the day.
    for r in responses:
        assert [r[c] for c in ("invitation_id", "contact_id", "submitted_at", "language")] == [
            None
        ] * 4
        assert (r["organisation_type"], r["region"]) == (None, None)
    # xmin: each response carries its batch's transaction, shared by at least k responses and
    # by no invitation; the date is the batch's day, shared the same way.
    by_xid: dict[int, list[Any]] = {}
    for r in responses:
        by_xid.setdefault(r["xid"], []).append(r)
    assert sorted(len(group) for group in by_xid.values()) == [K, N - K]
    assert not set(by_xid) & {i["xid"] for i in invitations}
    for group in by_xid.values():
        assert len({r["submitted_on"] for r in group}) == 1
    # Order: within a batch the rows (ctid) follow a shuffle, not the order people answered.
    answer_order = {invitation_of[t]: n for n, t in enumerate(tokens)}
    mark_order = [i["id"] for i in invitations]  # what xmin of the marks tells
    assert sorted(mark_order, key=answer_order.__getitem__) == mark_order  # marks do leak order
    for group in by_xid.values():
        arrival = [answer_order[invitation_of[truth[r["id"]]]] for r in group]
        assert arrival != sorted(arrival) and arrival != sorted(arrival, reverse=True)
        # The analyst's best join (k-th row of the batch = k-th answer) is wrong for most rows.
        hits = sum(a == b for a, b in zip(arrival, sorted(arrival), strict=True))
        assert hits < len(group) / 2

    # Events: one per response, in the table's shuffled order, dated by the day, produced in
    # one go after every answer of the batch had been given.
    records = await records_of(infra, f"{topics}surveys.responses.v1", campaign_id)
    values = [json.loads(r.value) for r in records]
    assert [v["response_id"] for v in values] == [str(r["id"]) for r in responses]
    assert all(v["contact_id"] is None for v in values)
    times = {dict(r.headers)["ce_time"].decode() for r in records}
    assert all(datetime.fromisoformat(t).astimezone(UTC).second == 0 for t in times)
    assert len({datetime.fromisoformat(t).date() for t in times}) <= 2  # day starts only

    # Logs: no line of nginx or of the web process names a token or an invitation.
    secrets_ = [*tokens, *(str(i) for i in invitation_of.values())]
    assert len(log_lines) >= 4 * N
    survey_lines = [line for line in log_lines if '"GET /s/-' in line or '"POST /s/-' in line]
    assert len(survey_lines) >= 4 * N, log_lines[:5]
    for line in log_lines:
        assert not any(s in line for s in secrets_), line
    for record in caplog.records:
        if record.name.startswith(("httpx", "httpcore")):
            continue  # the test's own browser, not the service
        message = record.getMessage() + str(record.__dict__)
        assert not any(s in message for s in secrets_), message
