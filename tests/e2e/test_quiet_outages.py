"""A Kafka or database outage under a running worker: one line when it starts, a reminder
now and then, one line when it ends; not one line per failed retry.

Kafka: a broker of the test's own, stopped and started again. Database: the worker reaches
PostgreSQL through a proxy that the test cuts (the suite's PostgreSQL keeps running).
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from shared.kafka import ensure_topics
from tests.support.infra import Infra
from tests.support.kafka_cluster import KafkaCluster, own_kafka
from tests.support.own_db import own_database
from tests.support.polling import eventually
from tests.support.processes import ServiceProcess, wait_for_group
from tests.support.tcp_proxy import CuttableProxy

pytestmark = [pytest.mark.e2e, pytest.mark.outage]

OUTAGE_S = 12
REMINDER_S = 5
# Anything else at WARNING or above during the outage (e.g. a consumer leaving its group).
MOST_OTHER_LINES = 10


def log_records(path: Path, offset: int) -> list[dict[str, Any]]:
    records = []
    with path.open("rb") as f:
        f.seek(offset)
        for line in f.read().decode(errors="replace").splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                records.append({"level": "RAW", "message": line})
    return records


def outage_states(records: list[dict[str, Any]], kind: str) -> Counter[str]:
    return Counter(r["outage_state"] for r in records if r.get("outage") == kind)


def reminders_expected(records: list[dict[str, Any]], kind: str) -> range:
    """At most one reminder per REMINDER_S of the outage as the worker lived it (a broker
    restart takes its time), at least one per two (the probe ticks every ~2-3 s)."""
    times = [
        datetime.fromisoformat(r["time"])
        for r in records
        if r.get("outage") == kind and r["outage_state"] in {"started", "ended"}
    ]
    lasted = (max(times) - min(times)).total_seconds()
    return range(max(1, int(lasted // (2 * REMINDER_S))), int(lasted // REMINDER_S) + 1)


def loud(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        r
        for r in records
        if r.get("level") in {"WARNING", "ERROR", "CRITICAL", "RAW"} and "outage" not in r
    ]


async def outage_over(path: Path, offset: int, kind: str) -> Counter[str]:
    return outage_states(log_records(path, offset), kind)


@pytest.fixture
async def kafka_of_its_own() -> AsyncIterator[KafkaCluster]:
    async with own_kafka(1, port_offset=450) as started:
        yield started


def worker(service: str, env: dict[str, str], name: str) -> ServiceProcess:
    process = ServiceProcess(service, "worker", env)
    process.log_path = process.log_path.with_name(f"pytest-outage-{name}.log")
    process.log_path.unlink(missing_ok=True)
    return process


async def test_a_kafka_outage_is_three_kinds_of_line_not_one_per_retry(
    infra: Infra, service_env: dict[str, str], kafka_of_its_own: KafkaCluster
) -> None:
    bootstrap = kafka_of_its_own.bootstrap
    async with own_database(infra, "newsletter") as url:
        await ensure_topics(bootstrap, "qk.")
        env = service_env | {
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "KAFKA_TOPIC_PREFIX": "qk.",
            "NEWSLETTER_DATABASE_URL": url,
            "OUTAGE_REMINDER_S": str(REMINDER_S),
        }
        process = worker("newsletter", env, "kafka")
        process.start()
        try:
            await wait_for_group(bootstrap, "qk.newsletter.contact-replica", timeout=90)
            before = process.log_path.stat().st_size

            await kafka_of_its_own.stop_node(1)
            await asyncio.sleep(OUTAGE_S)
            await kafka_of_its_own.start_node(1)
            states = await eventually(
                lambda: outage_over(process.log_path, before, "kafka"),
                lambda s: s["ended"] >= 1,
                timeout=90,
                what="the worker says Kafka is back",
            )
            records = log_records(process.log_path, before)
            others = loud(records)
            print(
                f"\nKafka outage: {dict(states)}, {len(others)} other loud lines of {len(records)}"
            )
            assert states["started"] == 1 and states["ended"] == 1, states
            assert states["ongoing"] in reminders_expected(records, "kafka"), states
            assert len(others) <= MOST_OTHER_LINES, others[:20]
            assert process.alive(), process.log_tail()
        finally:
            process.stop()


async def test_a_database_outage_is_three_kinds_of_line_not_one_per_retry(
    infra: Infra, service_env: dict[str, str]
) -> None:
    # Topics of its own: in the suite's groups this worker would take the e2e workers' share.
    topics = f"qd{uuid.uuid4().hex[:4]}."
    await ensure_topics(infra.kafka, topics)
    async with own_database(infra, "newsletter") as url:
        real = make_url(url)
        proxy = CuttableProxy(
            int(os.environ.get("SMTP_SINK_PORT", "12525")) + 3, real.host or "", real.port or 5432
        )
        await proxy.start()
        proxied = real.set(host="127.0.0.1", port=proxy.listen_port)
        env = service_env | {
            "NEWSLETTER_DATABASE_URL": proxied.render_as_string(hide_password=False),
            "KAFKA_TOPIC_PREFIX": topics,
            "OUTAGE_REMINDER_S": str(REMINDER_S),
            "NEWSLETTER_IDLE_POLL_S": "0.2",  # the delivery loop asks the database often
        }
        process = worker("newsletter", env, "database")
        process.start()
        try:
            await eventually(
                lambda: asyncio.to_thread(process.log_path.read_text),
                lambda text: "outbox relay is active" in text,
                timeout=90,
                what="the worker's relay running",
            )
            before = process.log_path.stat().st_size

            await proxy.cut()
            await asyncio.sleep(OUTAGE_S)
            await proxy.restore()
            states = await eventually(
                lambda: outage_over(process.log_path, before, "database"),
                lambda s: s["ended"] >= 1,
                timeout=60,
                what="the worker says the database is back",
            )
            records = log_records(process.log_path, before)
            others = loud(records)
            print(f"\nDB outage: {dict(states)}, {len(others)} other loud lines of {len(records)}")
            assert states["started"] == 1 and states["ended"] == 1, states
            assert states["ongoing"] in reminders_expected(records, "database"), states
            assert len(others) <= MOST_OTHER_LINES, others[:20]
            assert process.alive(), process.log_tail()
        finally:
            process.stop()
            await proxy.cut()
