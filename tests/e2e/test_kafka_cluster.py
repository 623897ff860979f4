"""A three-broker Kafka (KRaft, replication factor 3, min.insync.replicas 2): one broker
SIGKILLed in the middle of signups and a campaign loses nothing and doubles nothing.

Runs its own cluster (deploy/bin/kafka.sh with KAFKA_NODES=3, ports KAFKA_PORT+400..+601),
its own databases and its own service workers, so the suite's Kafka is never touched.
Select it alone with `-m kafka_cluster`.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiosmtpd.controller import Controller
from newsletter.campaigns.service import create_campaign, send_now
from newsletter.settings import NewsletterSettings
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import make_engine
from shared.events.contacts import ContactSnapshotV1
from shared.events.topics import CONTACT_SNAPSHOTS, MAIL_EVENTS
from shared.kafka import ensure_topics
from shared.web.staff import Staff
from tests.support.bulk import publish
from tests.support.infra import SERVICES, Infra
from tests.support.kafka_cluster import KafkaCluster, own_kafka
from tests.support.own_db import own_database
from tests.support.polling import eventually
from tests.support.processes import ServiceProcess, wait_for_group

# Three JVM starts and a restart: minutes, not seconds, when the two cores are busy.
pytestmark = [pytest.mark.e2e, pytest.mark.kafka_cluster, pytest.mark.timeout(600)]

PEOPLE_BEFORE, PEOPLE_AFTER = 150, 150
PEOPLE = PEOPLE_BEFORE + PEOPLE_AFTER
PREFIX = "k3."
# Beside the stack's smtp-sink port (+1 is the crash test's sink).
SINK_PORT = int(os.environ.get("SMTP_SINK_PORT", "12525")) + 2
KILLED = 2


class CountingSink:
    """Accepts every mail and counts recipients (each mail has one)."""

    def __init__(self) -> None:
        self.recipients: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.recipients.update(envelope.rcpt_tos)
        return "250 2.0.0 OK"


def crowd(count: int, tag: str) -> list[ContactSnapshotV1]:
    now = datetime.now(UTC)
    return [
        ContactSnapshotV1(
            contact_id=uuid.uuid4(),
            version=1,
            email=f"k3.{tag}.{i}@cluster.example",
            first_name=f"K{i}",
            subscription_state="subscribed",
            confirmed_at=now,
            newsletter_consent=True,
        )
        for i in range(count)
    ]


async def scalar(engine: AsyncEngine, sql: str) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


async def replication_of(bootstrap: str, topic: str) -> tuple[set[int], str]:
    """(replica counts of the topic's partitions, its min.insync.replicas)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
        replicas = {len(p["replicas"]) for p in described[0]["partitions"]}
        configs = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic, {"min.insync.replicas": None})]
        )
        entries = configs[0].resources[0][4]
        min_isr = next(e[1] for e in entries if e[0] == "min.insync.replicas")
        return replicas, min_isr
    finally:
        await admin.close()


async def in_sync_everywhere(bootstrap: str, topic: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
        return all(len(p["isr"]) == 3 for p in described[0]["partitions"])
    finally:
        await admin.close()


@pytest.fixture
async def cluster() -> AsyncIterator[KafkaCluster]:
    async with own_kafka(3, port_offset=400) as started:
        yield started


@pytest.fixture
def sink() -> Any:
    handler = CountingSink()
    controller = Controller(handler, hostname="127.0.0.1", port=SINK_PORT)
    controller.start()
    yield handler
    controller.stop()


async def test_a_broker_killed_mid_flow_loses_nothing_and_applies_nothing_twice(
    infra: Infra, service_env: dict[str, str], cluster: KafkaCluster, sink: CountingSink
) -> None:
    async with AsyncExitStack() as stack:
        urls = {s: await stack.enter_async_context(own_database(infra, s)) for s in SERVICES}
        engines = {s: make_engine(u, pool_size=3) for s, u in urls.items()}
        for engine in engines.values():
            stack.push_async_callback(engine.dispose)

        await ensure_topics(cluster.bootstrap, PREFIX)
        for topic in (CONTACT_SNAPSHOTS, MAIL_EVENTS):
            replicas, min_isr = await replication_of(cluster.bootstrap, PREFIX + topic.name)
            assert (replicas, min_isr) == ({3}, "2")

        env = service_env | {
            "KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrap,
            "KAFKA_TOPIC_PREFIX": PREFIX,
            "SMTP_PORT": str(SINK_PORT),
            "NEWSLETTER_IDLE_POLL_S": "0.5",
            **{f"{s.upper()}_DATABASE_URL": u for s, u in urls.items()},
        }
        workers = [ServiceProcess(s, "worker", env) for s in SERVICES]
        for worker in workers:
            worker.log_path = worker.log_path.with_name(f"pytest-k3-{worker.service}.log")
            worker.start()
            stack.callback(worker.stop)
        for service in ("newsletter", "surveys"):
            await wait_for_group(
                cluster.bootstrap, f"{PREFIX}{service}.contact-replica", timeout=90
            )

        first = crowd(PEOPLE_BEFORE, "before")
        await publish(engines["contacts"], first, new=True)
        await eventually(
            lambda: scalar(engines["newsletter"], "SELECT count(*) FROM contact_snapshot"),
            lambda n: n > 0,
            timeout=60,
            what="replication under way",
        )
        cluster.kill(KILLED)
        await publish(engines["contacts"], crowd(PEOPLE_AFTER, "after"), new=True)

        for service in ("newsletter", "surveys"):
            await eventually(
                lambda s=service: scalar(engines[s], "SELECT count(*) FROM contact_snapshot"),
                lambda n: n >= PEOPLE,
                timeout=90,
                what=f"{service} replica complete with a broker down",
            )
        settings = NewsletterSettings()
        async with SqlUnitOfWork(engines["newsletter"], b"") as uow:
            campaign = await create_campaign(
                uow,
                staff=Staff(id="t", role="editor"),
                name="Cluster test",
                content={"fi": {"subject": "Hei", "blocks": [{"type": "text", "text": "x"}]}},
                default_language="fi",
                topics=[],
                topical=False,
                tracking=False,
                audience={"all": []},
            )
        async with SqlUnitOfWork(engines["newsletter"], settings.suppression_secret()) as uow:
            queued = await send_now(
                uow,
                staff=Staff(id="t", role="editor"),
                campaign_id=campaign,
                settings=settings,
            )
        assert queued == PEOPLE
        # Every outcome travels as a mail event to contacts' figures (one row per delivery).
        await eventually(
            lambda: scalar(
                engines["contacts"], "SELECT count(*) FROM mail_figures WHERE sent_at IS NOT NULL"
            ),
            lambda n: n >= PEOPLE,
            timeout=120,
            what="every sent mail counted by contacts",
        )

        await cluster.start_node(KILLED)
        await eventually(
            lambda: in_sync_everywhere(cluster.bootstrap, PREFIX + CONTACT_SNAPSHOTS.name),
            lambda ok: ok,
            timeout=60,
            what="the restarted broker back in every in-sync replica set",
        )
        await asyncio.sleep(1)  # a duplicate in flight would land now

        for service in ("newsletter", "surveys"):
            rows = await scalar(
                engines[service],
                "SELECT count(*) FROM contact_snapshot WHERE version = 1",
            )
            assert rows == PEOPLE, f"{service}: {rows} replica rows"
        assert await scalar(engines["newsletter"], "SELECT count(*) FROM deliveries") == PEOPLE
        assert (
            await scalar(
                engines["newsletter"], "SELECT count(*) FROM deliveries WHERE status='sent'"
            )
            == PEOPLE
        )
        with sink.lock:
            mails = Counter(sink.recipients)
        assert len(mails) == PEOPLE and set(mails.values()) == {1}, mails.most_common(3)
        # Each mail event was applied once: one inbox row per event, one per delivery.
        applied = await scalar(
            engines["contacts"],
            "SELECT count(*) FROM inbox WHERE consumer LIKE '%mail%'",
        )
        counted = await scalar(engines["contacts"], "SELECT count(*) FROM mail_figures")
        assert counted == PEOPLE
        assert applied == PEOPLE, f"{applied} mail events applied for {PEOPLE} mails"
        for worker in workers:
            assert worker.alive(), worker.log_tail()
