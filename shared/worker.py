"""Running a service's worker: topics, the broker's subscribers and background loops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from faststream.kafka import KafkaBroker
from prometheus_client import start_http_server
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import make_engine
from shared.dead_letters import close_dead_letters
from shared.heartbeat import HeartbeatWriter
from shared.kafka import ensure_topics
from shared.outages import watch_outages
from shared.outbox.relay import RelayConfig, relay_loop
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

Loop = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
S = TypeVar("S", bound=ServiceSettings)


def consumers_of(broker: KafkaBroker) -> Callable[[], list[tuple[str, Any]]]:
    """(name, aiokafka consumer) of every subscriber, read at each heartbeat."""

    def consumers() -> list[tuple[str, Any]]:
        found = []
        for sub in broker.subscribers:
            names = ",".join(getattr(sub, "topic_names_for_subscribe", []))
            name = f"{getattr(sub, 'group_id', None) or '-'}:{names}"
            found.append((name, getattr(sub, "consumer", None)))
        return found

    return consumers


async def run_worker(
    settings: ServiceSettings, broker: KafkaBroker, loops: Sequence[Loop] = ()
) -> None:
    """Run until SIGTERM/SIGINT. Each loop gets the stop event and must return when it is set."""
    stop = asyncio.Event()
    running = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        running.add_signal_handler(sig, stop.set)

    if settings.worker_metrics_port:
        start_http_server(settings.worker_metrics_port, addr="127.0.0.1")
    # From here on a broker or database outage is reported once, not per retry.
    outages = asyncio.create_task(watch_outages(settings, stop))
    created = await ensure_topics(settings.kafka_bootstrap_servers, settings.kafka_topic_prefix)
    if created:
        log.info("created topics", extra={"topics": created})
    await broker.start()
    log.info("worker started", extra={"service": settings.service_name})
    all_loops = list(loops)
    if settings.heartbeat_dir:
        beats = HeartbeatWriter(
            Path(settings.heartbeat_dir), settings.service_name, consumers_of(broker)
        )
        all_loops.append(beats.run)
    tasks = [asyncio.create_task(loop(stop)) for loop in all_loops]
    try:
        waiter = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not waiter and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
    finally:
        stop.set()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 10)
        await broker.stop()
        await close_dead_letters(broker)
        outages.cancel()
        log.info("worker stopped", extra={"service": settings.service_name})


def outbox_relay(engine: AsyncEngine, outbox: Table, settings: ServiceSettings) -> Loop:
    """The loop that moves a service's outbox rows to Kafka."""
    return relay_loop(
        engine,
        outbox,
        RelayConfig(
            service=settings.service_name,
            database_url=settings.database_url,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            topic_prefix=settings.kafka_topic_prefix,
            batch_size=settings.outbox_batch_size,
            poll_interval_s=settings.outbox_poll_interval_s,
        ),
    )


async def run_service_worker(
    settings: S,
    *,
    outbox: Table,
    build_broker: Callable[[S, AsyncEngine], KafkaBroker],
    loops: Callable[[AsyncEngine], Sequence[Loop]] = lambda engine: (),
) -> None:
    """A service's worker: one engine (disposed at the end), its broker's subscribers, the
    outbox relay first, then the service's own loops (built on that engine)."""
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    try:
        broker = build_broker(settings, engine)
        await run_worker(settings, broker, [outbox_relay(engine, outbox, settings), *loops(engine)])
    finally:
        await engine.dispose()
