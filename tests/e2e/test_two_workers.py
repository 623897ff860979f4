"""Two instances of a worker (WORKERS=2), as real processes: the outbox relay fails over
through its advisory lock when the active one is SIGKILLed; two delivery workers share
one campaign through their leases with no mail sent twice; replica consumers of one group
share the partitions. Own databases and topic prefixes: the suite's workers never meet them.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiosmtpd.controller import Controller
from newsletter.campaigns.service import create_campaign, send_now
from newsletter.settings import NewsletterSettings
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import make_engine
from shared.events.topics import CONTACT_SNAPSHOTS
from shared.heartbeat import Heartbeat
from shared.kafka import ensure_topics
from shared.web.staff import Staff
from tests.support.bulk import create_people
from tests.support.infra import Infra
from tests.support.own_db import own_database
from tests.support.polling import eventually
from tests.support.processes import ServiceProcess, wait_for_group

pytestmark = [pytest.mark.e2e, pytest.mark.workers]

SINK_BASE = int(os.environ.get("SMTP_SINK_PORT", "12525")) + 4  # +4 and +5: one per worker


async def scalar(engine: AsyncEngine, sql: str) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


def instances(
    service: str, env: dict[str, str], tag: str, heartbeats: Path | None = None, count: int = 2
) -> list[ServiceProcess]:
    found = []
    for i in range(1, count + 1):
        name = f"{service}-worker-{i}"
        extra = {"SUPERVISOR_PROCESS_NAME": name}
        if heartbeats is not None:
            extra["HEARTBEAT_DIR"] = str(heartbeats)
        process = ServiceProcess(service, "worker", env | extra)
        process.log_path = process.log_path.with_name(f"pytest-{tag}-{i}.log")
        process.log_path.unlink(missing_ok=True)
        found.append(process)
    return found


def says(process: ServiceProcess, words: str) -> bool:
    try:
        return words in process.log_path.read_text(errors="replace")
    except OSError:
        return False


async def keys_on_topic(bootstrap: str, topic: str) -> Counter[bytes]:
    """Every message's key on the topic, from the beginning to the end as of now."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(6)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        keys: Counter[bytes] = Counter()

        async def behind() -> bool:
            return any([await consumer.position(tp) < ends[tp] for tp in partitions])

        while await behind():
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                keys.update(r.key for r in records if r.key is not None)
        return keys
    finally:
        await consumer.stop()


async def test_the_outbox_relay_fails_over_to_the_standby_when_the_active_one_is_killed(
    infra: Infra, service_env: dict[str, str]
) -> None:
    prefix = f"rf{uuid.uuid4().hex[:4]}."
    await ensure_topics(infra.kafka, prefix)
    async with own_database(infra, "contacts") as url:
        engine = make_engine(url, pool_size=2)
        env = service_env | {"CONTACTS_DATABASE_URL": url, "KAFKA_TOPIC_PREFIX": prefix}
        relays = instances("contacts", env, "relay")
        try:
            for process in relays:
                process.start()
            active = (
                await eventually(
                    lambda: asyncio.sleep(0, [p for p in relays if says(p, "relay is active")]),
                    lambda found: len(found) >= 1,
                    timeout=90,
                    what="one relay active",
                )
            )[0]
            standby = next(p for p in relays if p is not active)
            assert not says(standby, "relay is active"), "both relays took the lock"

            people = []
            for batch in range(4):
                people += await create_people(engine, 250, tag=f"rf{batch}")
            active.kill()
            killed_at = time.monotonic()
            for batch in range(4, 8):
                people += await create_people(engine, 250, tag=f"rf{batch}")
            await eventually(
                lambda: asyncio.sleep(0, says(standby, "relay is active")),
                lambda yes: yes,
                timeout=30,
                what="the standby relay took over",
            )
            print(f"\nstandby active {time.monotonic() - killed_at:.1f} s after the kill")
            await eventually(
                lambda: scalar(engine, "SELECT count(*) FROM outbox"),
                lambda n: n == 0,
                timeout=60,
                what="outbox drained by the standby",
            )
            keys = await keys_on_topic(infra.kafka, prefix + CONTACT_SNAPSHOTS.name)
            wanted = {str(p.contact_id).encode() for p in people}
            assert wanted <= set(keys), f"{len(wanted - set(keys))} events never published"
            # At least once: only a batch in flight at the kill (<= OUTBOX_BATCH_SIZE) twice.
            doubled = sum(n - 1 for n in keys.values())
            assert doubled <= int(env["CONTACTS_OUTBOX_BATCH_SIZE"]), doubled
            assert standby.alive(), standby.log_tail()
        finally:
            for process in relays:
                process.stop()
            await engine.dispose()


class RecipientSink:
    def __init__(self) -> None:
        self.recipients: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.recipients.update(envelope.rcpt_tos)
        return "250 2.0.0 OK"

    def snapshot(self) -> Counter[str]:
        with self.lock:
            return Counter(self.recipients)


@pytest.fixture
async def sinks() -> AsyncIterator[list[RecipientSink]]:
    handlers = [RecipientSink(), RecipientSink()]
    controllers = [
        Controller(h, hostname="127.0.0.1", port=SINK_BASE + i) for i, h in enumerate(handlers)
    ]
    for c in controllers:
        c.start()
    yield handlers
    for c in controllers:
        c.stop()


async def build_audience(engine: AsyncEngine, n: int) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO contact_snapshot (contact_id, version, email, first_name, language,"
                " subscription_state, confirmed_at, newsletter_consent, email_status)"
                " SELECT gen_random_uuid(), 1, 'two-' || i || '@example.fi', 'N' || i, 'fi',"
                " 'subscribed', :now, true, 'ok' FROM generate_series(1, :n) AS i"
            ),
            {"n": n, "now": datetime.now(UTC)},
        )


async def test_two_delivery_workers_share_one_campaign_and_send_no_mail_twice(
    infra: Infra, service_env: dict[str, str], sinks: list[RecipientSink], tmp_path: Path
) -> None:
    recipients = 1500
    prefix = f"dw{uuid.uuid4().hex[:4]}."
    await ensure_topics(infra.kafka, prefix)
    async with AsyncExitStack() as stack:
        url = await stack.enter_async_context(own_database(infra, "newsletter"))
        engine = make_engine(url, pool_size=2)
        stack.push_async_callback(engine.dispose)
        await build_audience(engine, recipients)
        env = service_env | {
            "NEWSLETTER_DATABASE_URL": url,
            "KAFKA_TOPIC_PREFIX": prefix,
            "NEWSLETTER_CLAIM_BATCH_SIZE": "50",  # small leases, so both get a share
            "NEWSLETTER_IDLE_POLL_S": "0.3",
        }
        senders = instances("newsletter", env, "delivery", heartbeats=tmp_path)
        for i, process in enumerate(senders):
            process.env["SMTP_PORT"] = str(SINK_BASE + i)
            process.start()
            stack.callback(process.stop)
        group = f"{prefix}newsletter.contact-replica"
        await wait_for_group(infra.kafka, group, timeout=90)

        # The replica consumers of both instances share the group's six partitions.
        def held() -> dict[str, int]:
            beats = [Heartbeat.read(p) for p in tmp_path.glob("newsletter-worker-*.json")]
            return {
                # Named "<group>:<topics>": the group itself, not its `.replay` group.
                b.instance: sum(
                    n for name, n in b.partitions.items() if name.startswith(f"{group}:")
                )
                for b in beats
                if b is not None
            }

        shares = await eventually(
            lambda: asyncio.sleep(0, held()),
            lambda h: len(h) == 2 and sum(h.values()) == 6 and all(h.values()),
            timeout=60,
            what="both instances holding replica partitions",
        )
        print(f"\npartitions of {group}: {shares}")

        settings = NewsletterSettings()
        async with SqlUnitOfWork(engine, b"") as uow:
            campaign = await create_campaign(
                uow,
                staff=Staff(id="t", role="editor"),
                name="Two workers",
                content={"fi": {"subject": "Hei", "blocks": [{"type": "text", "text": "x"}]}},
                default_language="fi",
                topics=[],
                topical=False,
                tracking=False,
                audience={"all": []},
            )
        async with SqlUnitOfWork(engine, settings.suppression_secret()) as uow:
            queued = await send_now(
                uow,
                staff=Staff(id="t", role="editor"),
                campaign_id=campaign,
                settings=settings,
            )
        assert queued == recipients
        await eventually(
            lambda: scalar(engine, "SELECT count(*) FROM deliveries WHERE status = 'pending'"),
            lambda n: n == 0,
            timeout=180,
            what="campaign sent",
        )
        first, second = (sink.snapshot() for sink in sinks)
        print(f"worker 1 sent {sum(first.values())}, worker 2 sent {sum(second.values())}")
        assert sum(first.values()) > 0 and sum(second.values()) > 0, "one worker sent all"
        both = first + second
        assert len(both) == recipients
        assert set(both.values()) == {1}, both.most_common(3)
        sent = await scalar(engine, "SELECT count(*) FROM deliveries WHERE status = 'sent'")
        assert sent == recipients
