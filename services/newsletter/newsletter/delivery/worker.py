"""The delivery loop of one process: claim leased batches, compose, send, record in batches.

Rows are the truth; a NOTIFY (or Kafka, for transactional requests) only wakes the loop
early. An outcome SMTP gave is kept in memory until it is recorded: a failed write (the
database restarting) is retried with backoff, the recorder outlives a restart of the
delivery worker, and no new batch is claimed while older outcomes wait, so this process
never claims a row again whose mail it already sent. A crash loses nothing either: rows
whose outcome was not recorded come due again when their lease ends, so at most the mails in
flight at the crash (sent, outcome not yet recorded) are sent twice.

This is infrastructure, not a use case: a polling loop that moves rows between the database
and SMTP connections, its pace set by leases, rate limits and the recorder's buffer. So it is
a loop over `uow.sending` (delivery/repository.py) with a factory of units of work, one per
claim and one per recorded batch; the rules of what an outcome does to its row are the use
case `service.record_outcomes`, unit-tested on the fake unit of work.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import asyncpg
from opentelemetry.trace import Span, SpanKind
from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.delivery import repository as deliveries
from newsletter.delivery.compose import CampaignInfo, Composer, attempt_of
from newsletter.delivery.domain import Result
from newsletter.delivery.ratelimit import Limits
from newsletter.delivery.service import Attempt, RetryPolicy, record_outcomes
from newsletter.delivery.smtp import SmtpPool
from newsletter.mail.templates import MailTemplates
from newsletter.settings import NewsletterSettings
from newsletter.unit_of_work import NewsletterUnitOfWork, SqlUnitOfWork
from shared.db import connect_args, sync_url
from shared.tracing import start_span

log = logging.getLogger(__name__)

RECORD_BACKOFF_MAX_S = 5.0
# A new (not yet entered) unit of work each call: `async with units() as uow:`.
Units = Callable[[], AbstractAsyncContextManager[NewsletterUnitOfWork]]


def sql_units(engine: AsyncEngine, settings: NewsletterSettings) -> Units:
    key = settings.suppression_secret()
    return lambda: SqlUnitOfWork(engine, key)


class Recorder:
    """Outcomes are buffered and written (with their events) a batch per transaction, and
    kept until a write succeeds."""

    def __init__(self, units: Units, settings: NewsletterSettings) -> None:
        self._units = units
        self._settings = settings
        self._buffer: list[tuple[Attempt, Result]] = []
        self._full = asyncio.Event()
        self._retry = RetryPolicy(
            settings.retry_base_s, settings.retry_max_s, settings.max_attempts
        )
        self._backoff_s = 0.0
        self._writing = asyncio.Lock()
        self.recorded = 0
        self.failures = 0

    def add(self, attempt: Attempt, result: Result) -> None:
        self._buffer.append((attempt, result))
        if len(self._buffer) >= self._settings.record_batch_size:
            self._full.set()

    @property
    def waiting(self) -> int:
        """Outcomes not recorded yet."""
        return len(self._buffer)

    @property
    def failing(self) -> bool:
        """The last write failed: outcomes wait for the database."""
        return self._backoff_s > 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            pause = self._backoff_s or self._settings.record_interval_s
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_either(self._full, stop), pause)
            self._full.clear()
            await self.flush()

    async def flush(self) -> bool:
        """Write what is buffered; True when nothing is left unrecorded."""
        async with self._writing:  # one write at a time: a second flush sees what is left
            return await self._flush()

    async def _flush(self) -> bool:
        batch, self._buffer = self._buffer, []
        if not batch:
            return True
        try:
            async with self._units() as uow:
                await record_outcomes(
                    uow,
                    batch,
                    retry=self._retry,
                    suppression_key=self._settings.suppression_secret(),
                )
        except Exception:
            # Kept, never dropped: these mails were sent. If this process dies before a
            # write succeeds, the leases expire and the mails go again (at least once).
            self._buffer = batch + self._buffer
            self.failures += 1
            self._backoff_s = min(max(self._backoff_s * 2, 0.2), RECORD_BACKOFF_MAX_S)
            log.exception(
                "recording outcomes failed; kept for a retry",
                extra={"waiting": len(self._buffer), "retry_in_s": self._backoff_s},
            )
            return False
        self.recorded += len(batch)
        if self._backoff_s:
            # Said once the database answers again (the failures themselves may have been
            # folded into the outage's one log line).
            log.warning(
                "outcomes recorded again after failed writes",
                extra={"recorded": len(batch), "failed_writes": self.failures},
            )
        self._backoff_s = 0.0
        return not self._buffer

    async def drain(self, stop: asyncio.Event | None = None) -> bool:
        """Retry with backoff until every outcome is recorded (True) or `stop` is set."""
        while not await self.flush():
            if stop is not None and stop.is_set():
                return False
            if stop is None:
                await asyncio.sleep(self._backoff_s)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._backoff_s)
        return True


class DeliveryWorker:
    def __init__(
        self,
        engine: AsyncEngine,
        settings: NewsletterSettings,
        templates: MailTemplates | None = None,
        wake: asyncio.Event | None = None,
        recorder: Recorder | None = None,
    ) -> None:
        self._units = sql_units(engine, settings)  # the edge: units of work from the engine
        self._settings = settings
        self._composer = Composer(
            settings, templates or MailTemplates(base_url=settings.public_base_url)
        )
        self.wake = wake or asyncio.Event()
        # Passed in by `delivery_loop`, so unrecorded outcomes survive a restart of this worker.
        self.recorder = recorder or Recorder(self._units, settings)
        self._campaigns: dict[uuid.UUID, CampaignInfo] = {}
        self._sending: dict[uuid.UUID, Span] = {}  # SMTP spans of traced mails in flight

    async def run(self, stop: asyncio.Event) -> None:
        s = self._settings
        pool = SmtpPool(
            relay=s.smtp_relay(),
            connections=s.smtp_connections,
            timeout_s=s.smtp_timeout_s,
            limits=Limits(s.send_rate_per_s, s.send_rate_per_domain_per_s),
            done=self._sent,
            pause_s=s.retry_base_s,
            pause_max_s=s.retry_max_s,
        )
        recorder_stop = asyncio.Event()
        recorder = asyncio.create_task(self.recorder.run(recorder_stop))
        listener = await self._listen()
        pool.start()
        try:
            while not stop.is_set():
                if self.recorder.failing and not await self.recorder.drain(stop):
                    break  # claim nothing while sent mails wait to be recorded
                if (pause := pool.paused_for_s) > 0:
                    # The relay refused TLS or our login: claim nothing until it is tried
                    # again (the held rows come due then).
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), pause)
                    continue
                if not await self._one_batch(pool):
                    self.wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(_either(self.wake, stop), s.idle_poll_s)
        finally:
            await pool.close()
            recorder_stop.set()
            await recorder
            if stop.is_set():
                await self._record_before_exit()
            if listener is not None:
                with contextlib.suppress(Exception):
                    await listener.close()

    async def _record_before_exit(self) -> None:
        """On shutdown, keep trying to record until the worker's stop timeout cancels us."""
        try:
            await self.recorder.drain()
        except asyncio.CancelledError:
            log.error(
                "stopped with outcomes unrecorded; their mails go again after the lease",
                extra={"waiting": self.recorder.waiting},
            )
            raise

    async def _one_batch(self, pool: SmtpPool) -> int:
        s = self._settings
        async with self._units() as uow:
            rows = await uow.sending.claim(limit=s.claim_batch_size, lease_s=s.lease_s)
            await uow.commit()
        # Half the lease for sending leaves the other half for recording the outcome.
        send_by = time.monotonic() + s.lease_s / 2
        if not rows:
            return 0
        await self._load_campaigns(rows)
        for row in rows:
            if time.monotonic() > send_by:
                break  # the rest of the batch comes due again when its lease ends
            try:
                info = self._campaigns[row.campaign_id] if row.campaign_id else None
                job = self._composer.job(row, info)
            except Exception as exc:  # a broken template or variant: no retry will help
                log.exception("cannot compose mail", extra={"delivery_id": str(row.id)})
                self.recorder.add(attempt_of(row), Result(row.id, "failed", None, repr(exc)[:500]))
                continue
            span = start_span("smtp send", traceparent=row.traceparent, kind=SpanKind.CLIENT)
            if span is not None:
                self._sending[row.id] = span
            await pool.submit(dataclasses.replace(job, send_by=send_by))
        return len(rows)

    def _sent(self, attempt: Attempt, result: Result) -> None:
        span = self._sending.pop(result.delivery_id, None)
        if span is not None:
            span.set_attribute("digituki.delivery.outcome", result.outcome)
            span.end()
        self.recorder.add(attempt, result)

    async def _load_campaigns(self, rows: Any) -> None:
        missing = {r.campaign_id for r in rows if r.campaign_id} - self._campaigns.keys()
        if not missing:
            return
        if len(self._campaigns) > 256:
            self._campaigns.clear()
        async with self._units() as uow:
            found = await uow.sending.campaigns_of(missing)
        for campaign_id, row in found.items():
            self._campaigns[campaign_id] = CampaignInfo.of(row)

    async def _listen(self) -> asyncpg.Connection | None:
        """NOTIFY on new rows wakes an idle loop at once; polling remains the fallback."""
        try:
            url = self._settings.database_url
            conn = await asyncpg.connect(sync_url(url), **connect_args(url))
            await conn.add_listener(deliveries.WAKE_CHANNEL, lambda *_: self.wake.set())
            return conn
        except (OSError, asyncpg.PostgresError):
            # exc_info: while the database is away this is part of the outage (shared/outages.py).
            log.warning("no LISTEN connection; polling only", exc_info=True)
            return None


async def _either(a: asyncio.Event, b: asyncio.Event) -> None:
    tasks = [asyncio.create_task(a.wait()), asyncio.create_task(b.wait())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()


def delivery_loop(
    engine: AsyncEngine, settings: NewsletterSettings, wake: asyncio.Event | None = None
) -> Any:
    """The delivery worker as a shared/worker.py loop."""

    async def loop(stop: asyncio.Event) -> None:
        backoff = 0.5
        recorder = Recorder(sql_units(engine, settings), settings)  # outlives each restart
        while not stop.is_set():
            try:
                await DeliveryWorker(engine, settings, wake=wake, recorder=recorder).run(stop)
            except Exception:  # database or SMTP away: leases cover what was in flight
                log.exception("delivery worker failed; restarting")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), backoff)
                backoff = min(backoff * 2, 10.0)

    return loop
