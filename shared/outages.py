"""Quiet failure: a Kafka or database outage is three kinds of log line, not thousands.

aiokafka logs every failed connection, metadata request and heartbeat, and our own retry
loops log each failed attempt: a one-minute broker outage used to write ~13,000 ERROR lines
per worker. A filter on the log handler recognises those records (by logger, message, and
the libraries in the exception's traceback) and turns each outage into
  - one line when it starts (with the first error),
  - a reminder every `outage_reminder_s` while it lasts (how long, how many suppressed),
  - one line when it ends, which a probe decides (a metadata request, a SELECT 1), not the
    absence of errors.
Records that are not about the outage pass through untouched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.settings import ServiceSettings

log = logging.getLogger("digituki.outage")

KAFKA = "kafka"
DATABASE = "database"
WHAT = {KAFKA: "Kafka", DATABASE: "The database"}

# What aiokafka says (WARNING and above) when brokers are away; not rebalances or commits.
_KAFKA_MESSAGES = re.compile(
    r"unable (to )?connect|unable to (request|update) metadata"
    r"|connection (refused|reset|closed|lost)|node ?not ?ready|kafkaconnectionerror"
    r"|request ?timed ?out|failed fetch messages"
    r"|error sending|not ?leader|leader ?not ?available|no ?brokers|broker ?not ?available"
    r"|could not be established|timed out|\berrno\b"
    # The group coordinator gone with its broker: often the first thing a consumer notices.
    r"|coordinator \(node \d+\) is either not started|marking the coordinator dead"
    r"|group coordinator request failed|coordinator ?not ?available",
    re.IGNORECASE,
)
_CONNECTION_TYPES = (OSError, TimeoutError, ConnectionError)
# After Kafka is back, consumers rejoin their groups for a while (coordinator not available,
# heartbeat failed): part of the recovery, not a new outage.
SETTLING_S = 30.0


def _modules(tb: TracebackType | None) -> set[str]:
    found = set()
    for frame, _ in traceback.walk_tb(tb):
        name = frame.f_globals.get("__name__", "")
        found.add(name.split(".", 1)[0])
    return found


def _is_connection_error(exc: BaseException) -> bool:
    names = {cls.__module__.split(".", 1)[0] + "." + cls.__name__ for cls in type(exc).__mro__}
    if isinstance(exc, _CONNECTION_TYPES):
        return True
    # By name: importing aiokafka/asyncpg/sqlalchemy here would load them into every process.
    return bool(
        names
        & {
            "aiokafka.KafkaConnectionError",
            "aiokafka.NodeNotReadyError",
            "aiokafka.RequestTimedOutError",
            "aiokafka.KafkaTimeoutError",
            "aiokafka.NotLeaderForPartitionError",
            "aiokafka.LeaderNotAvailableError",
            "aiokafka.CoordinatorNotAvailableError",
            "aiokafka.NotCoordinatorError",
            "aiokafka.UnknownTopicOrPartitionError",
            "asyncpg.PostgresConnectionError",
            "asyncpg.InterfaceError",
            "asyncpg.ConnectionDoesNotExistError",
            "asyncpg.CannotConnectNowError",
            "asyncpg.AdminShutdownError",
            "sqlalchemy.OperationalError",
            "sqlalchemy.InterfaceError",
        }
    )


def classify_exception(exc: BaseException | None) -> str | None:
    """kafka / database when the error (or one it was raised from) is a lost connection
    of that library, else None."""
    seen = 0
    while exc is not None and seen < 5:
        if _is_connection_error(exc):
            modules = _modules(exc.__traceback__) | {type(exc).__module__.split(".", 1)[0]}
            if "aiokafka" in modules:
                return KAFKA
            if modules & {"asyncpg", "sqlalchemy"}:
                return DATABASE
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def classify(record: logging.LogRecord) -> str | None:
    """Which outage a log record is about, if any."""
    if record.levelno < logging.WARNING:
        return None
    if record.exc_info and record.exc_info[1] is not None:
        kind = classify_exception(record.exc_info[1])
        if kind:
            return kind
    if record.name.startswith("aiokafka") and _KAFKA_MESSAGES.search(record.getMessage()):
        return KAFKA
    return None


@dataclass
class Outage:
    since: float
    first_error: str
    suppressed: int = 0
    reminded_at: float = field(default=0.0)


class OutageMonitor:
    """The outages of this process, fed by the log filter and ended by probes."""

    def __init__(self, reminder_s: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.reminder_s = reminder_s
        self._clock = clock
        self._lock = threading.Lock()
        self.open: dict[str, Outage] = {}
        self.wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._settling_until = 0.0

    def attach(self, loop: asyncio.AbstractEventLoop, wake: asyncio.Event) -> None:
        self._loop, self.wake = loop, wake

    def filter(self, record: logging.LogRecord) -> bool:
        """logging.Filter protocol: False drops the record."""
        if record.name == log.name:
            return True
        kind = classify(record)
        # aiokafka's own loggers, and FastStream's broker logger ("<service>.kafka"), which
        # repeats metadata trouble ("Auto create topics is disabled") while brokers are away.
        chatter = record.levelno >= logging.WARNING and (
            record.name.startswith("aiokafka") or record.name.endswith(".kafka")
        )
        now = self._clock()
        with self._lock:
            if chatter and (KAFKA in self.open or now < self._settling_until):
                # While Kafka is away, and while consumers rejoin their groups just after,
                # aiokafka's coordinator and metadata messages are all about the outage.
                kind = KAFKA
            if kind is None:
                return True
            outage = self.open.get(kind)
            if outage is not None:
                outage.suppressed += 1
                return False
            if kind == KAFKA and now < self._settling_until:
                return False
            self.open[kind] = Outage(since=now, first_error=_summary(record), reminded_at=now)
        log.error(
            "%s is unreachable: %s (further errors about it are suppressed until it is back)",
            WHAT[kind],
            _summary(record),
            extra={"outage": kind, "outage_state": "started"},
        )
        self._wake_probe()
        return False

    def _wake_probe(self) -> None:
        if self._loop is None or self.wake is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop is closing
            self._loop.call_soon_threadsafe(self.wake.set)

    def remind(self) -> None:
        """A reminder for each outage that has lasted another `reminder_s`."""
        now = self._clock()
        due = []
        with self._lock:
            for kind, outage in self.open.items():
                if now - outage.reminded_at >= self.reminder_s:
                    outage.reminded_at = now
                    due.append((kind, now - outage.since, outage.suppressed))
        for kind, lasted, suppressed in due:
            log.error(
                "%s still unreachable after %.0f s (%d errors suppressed)",
                WHAT[kind],
                lasted,
                suppressed,
                extra={"outage": kind, "outage_state": "ongoing"},
            )

    def recovered(self, kind: str) -> None:
        with self._lock:
            outage = self.open.pop(kind, None)
            if kind == KAFKA:
                self._settling_until = self._clock() + SETTLING_S
        if outage is None:
            return
        log.warning(
            "%s is reachable again after %.0f s (%d errors suppressed)",
            WHAT[kind],
            self._clock() - outage.since,
            outage.suppressed,
            extra={"outage": kind, "outage_state": "ended"},
        )


def _summary(record: logging.LogRecord) -> str:
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        return f"{record.getMessage()}: {type(exc).__name__}: {exc}"[:300]
    return record.getMessage()[:300]


# One per process: logging is process-wide too.
MONITOR = OutageMonitor()

Probe = Callable[[], Awaitable[bool]]


async def probe_until_recovered(
    probes: dict[str, Probe], stop: asyncio.Event, *, interval_s: float = 2.0
) -> None:
    """Idle until an outage starts; then probe its target every `interval_s` until it answers."""
    wake = asyncio.Event()
    MONITOR.attach(asyncio.get_running_loop(), wake)
    while not stop.is_set():
        if not MONITOR.open:
            wake.clear()
            waiter = asyncio.create_task(stop.wait())
            woken = asyncio.create_task(wake.wait())
            await asyncio.wait([waiter, woken], return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            woken.cancel()
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_s)
        for kind in list(MONITOR.open):
            probe = probes.get(kind)
            if probe is not None and await _safe(probe):
                MONITOR.recovered(kind)
        MONITOR.remind()


async def _safe(probe: Probe) -> bool:
    try:
        return await asyncio.wait_for(probe(), 5)
    except Exception:  # a probe that fails means: still down
        return False


def database_probe(database_url: str) -> Probe:
    async def probe() -> bool:
        import asyncpg

        from shared.db import sync_url

        conn = await asyncpg.connect(sync_url(database_url), timeout=3)
        try:
            return bool(await conn.fetchval("SELECT 1") == 1)
        finally:
            await conn.close()

    return probe


def kafka_probe(bootstrap_servers: str) -> Probe:
    async def probe() -> bool:
        from shared.kafka import kafka_reachable

        return await kafka_reachable(bootstrap_servers)

    return probe


async def watch_outages(settings: ServiceSettings, stop: asyncio.Event) -> None:
    """Run beside a process's work: ends (and reminds of) the outages the log filter opened."""
    MONITOR.reminder_s = settings.outage_reminder_s
    await probe_until_recovered(
        {
            KAFKA: kafka_probe(settings.kafka_bootstrap_servers),
            DATABASE: database_probe(settings.database_url),
        },
        stop,
    )
