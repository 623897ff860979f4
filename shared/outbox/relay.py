"""The outbox relay: the only way an event leaves a service.

One relay per service is active at a time (a session-level advisory lock), so the per-key
order of the outbox is the order on Kafka. A batch is claimed and deleted by one statement,
published as one record batch per partition (`shared/outbox/batches.py`; the idempotent
producer keeps per-partition order), and the transaction commits only once Kafka has
acknowledged every record; a crash before that republishes the batch, which consumers absorb
by version or inbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from sqlalchemy import Table, any_, delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import sync_url
from shared.metrics import OUTBOX_PUBLISHED
from shared.outbox.batches import PartitionBatches
from shared.outbox.writer import notify_channel
from shared.tracing import enabled as tracing_enabled
from shared.tracing import publish_span

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RelayConfig:
    service: str
    database_url: str
    bootstrap_servers: str
    topic_prefix: str = ""
    batch_size: int = 2000
    poll_interval_s: float = 1.0


def lock_id(service: str) -> int:
    return zlib.crc32(f"outbox-relay:{service}".encode())


def make_producer(bootstrap_servers: str, *, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,  # implies acks=all
        acks="all",
        linger_ms=5,
        max_batch_size=256 * 1024,
    )


class OutboxRelay:
    def __init__(self, engine: AsyncEngine, outbox: Table, config: RelayConfig) -> None:
        self._engine = engine
        self._outbox = outbox
        self._config = config
        ob = outbox
        oldest = (
            select(ob.c.id)
            .order_by(ob.c.id)
            .limit(config.batch_size)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        # One statement claims and deletes the oldest rows (sorted by id afterwards). `= ANY
        # (array(...))`, not `IN (...)`: the planner then deletes through the primary key
        # instead of hashing the claimed ids against a scan of the whole outbox.
        self._claim = (
            delete(ob)
            .where(ob.c.id == any_(func.array(oldest)))
            .returning(ob.c.id, ob.c.topic, ob.c.key, ob.c.headers, ob.c.payload)
        )
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self.published = 0

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        control = await asyncpg.connect(sync_url(self._config.database_url))
        try:
            await self._become_leader(control)
            await control.add_listener(
                notify_channel(self._config.service), lambda *_: self._wake.set()
            )
            producer = make_producer(
                self._config.bootstrap_servers, client_id=f"{self._config.service}-relay"
            )
            await producer.start()
            try:
                await self._pump(producer)
            finally:
                await producer.stop()
        finally:
            await control.close()

    async def _become_leader(self, control: asyncpg.Connection) -> None:
        key = lock_id(self._config.service)
        while not self._stopping.is_set():
            if await control.fetchval("SELECT pg_try_advisory_lock($1)", key):
                log.info("outbox relay is active", extra={"service": self._config.service})
                return
            # Another relay holds the lock: stand by and take over when it dies.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._config.poll_interval_s)

    async def _pump(self, producer: AIOKafkaProducer) -> None:
        while not self._stopping.is_set():
            sent = await self.publish_batch(producer)
            if sent < self._config.batch_size:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._config.poll_interval_s)

    async def publish_batch(self, producer: AIOKafkaProducer) -> int:
        """Claim the oldest rows, publish them, and delete them once Kafka has them all.

        The rows are deleted by the claiming statement itself, in a transaction that commits
        only after every record is acknowledged: a crash (or a failed send) before that rolls
        the delete back and the rows are published again.
        """
        async with self._engine.begin() as conn:
            rows = sorted((await conn.execute(self._claim)).all(), key=_row_id)
            if not rows:
                return 0
            batches = PartitionBatches(producer)
            tracing = tracing_enabled()
            for row in rows:
                topic = f"{self._config.topic_prefix}{row.topic}"
                headers = [(k, v.encode()) for k, v in row.headers]
                key = row.key.encode() if row.key is not None else None
                if tracing:
                    # Continues the trace the row kept.
                    with publish_span(topic, headers, service=self._config.service) as traced:
                        await batches.add(topic, key, row.payload, traced)
                else:
                    await batches.add(topic, key, row.payload, headers)
            await batches.flush()
            await asyncio.gather(*batches.deliveries)
        self.published += len(rows)
        OUTBOX_PUBLISHED.labels(self._config.service).inc(len(rows))
        return len(rows)


def relay_loop(
    engine: AsyncEngine, outbox: Table, config: RelayConfig
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    """The relay as a worker loop: restarts after failures (Kafka or database away)."""

    async def loop(stop: asyncio.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            relay = OutboxRelay(engine, outbox, config)
            watcher = asyncio.create_task(stop.wait())
            watcher.add_done_callback(_stopper(relay))
            try:
                await relay.run()
                backoff = 0.5
            except Exception:
                log.exception("outbox relay failed; restarting", extra={"service": config.service})
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                watcher.cancel()

    return loop


def _row_id(row: Any) -> int:
    return int(row.id)


def _stopper(relay: OutboxRelay) -> Callable[[object], None]:
    def stop(_: object) -> None:
        relay.stop()

    return stop
