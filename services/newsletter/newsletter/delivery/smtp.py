"""Kept-open SMTP connections, each a task taking jobs from one bounded queue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from newsletter.delivery.domain import Result, classify
from newsletter.delivery.ratelimit import Limits
from newsletter.delivery.service import Attempt
from newsletter.delivery.session import (
    Relay,
    Session,
    SmtpProtocolError,
    SmtpReplyError,
    SmtpSecurityError,
)
from newsletter.mail.message import envelope_address

log = logging.getLogger(__name__)

CLOSING_CODES = {421}  # the server is closing the session: open a new one


@dataclass(frozen=True)
class Job:
    attempt: Attempt
    sender: str  # VERP envelope sender
    data: bytes
    domain: str
    # Monotonic deadline: past it the row's lease may run out before the outcome is recorded,
    # and another claim could send it again. Such a job is skipped; the row comes due again.
    send_by: float = float("inf")


Done = Callable[[Attempt, Result], None]


class SmtpPool:
    def __init__(
        self,
        *,
        relay: Relay,
        connections: int,
        timeout_s: float,
        limits: Limits,
        done: Done,
    ) -> None:
        self._relay, self._timeout = relay, timeout_s
        self._limits = limits
        self._done = done
        self._count = connections
        # Small: rendering should run just ahead of sending, not claim-batches ahead.
        self._queue: asyncio.Queue[Job | None] = asyncio.Queue(maxsize=connections * 4)
        self._tasks: list[asyncio.Task[None]] = []
        self.in_flight = 0
        self.skipped = 0
        self._last_security_error = ""  # said once, not once per mail, until it changes

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._connection()) for _ in range(self._count)]

    async def submit(self, job: Job) -> None:
        self.in_flight += 1
        await self._queue.put(job)

    async def close(self) -> None:
        """Finish what was submitted, then close every connection."""
        for _ in self._tasks:
            await self._queue.put(None)
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _connection(self) -> None:
        session: Session | None = None
        try:
            while (job := await self._queue.get()) is not None:
                await self._limits.take(job.domain)
                if time.monotonic() > job.send_by:
                    self.in_flight -= 1
                    self.skipped += 1
                    continue
                session, result = await self._send(session, job)
                self.in_flight -= 1
                self._done(job.attempt, result)
        finally:
            if session is not None:
                with contextlib.suppress(Exception):
                    await session.quit(self._timeout)

    async def _send(self, session: Session | None, job: Job) -> tuple[Session | None, Result]:
        delivery_id = job.attempt.delivery_id
        try:
            if session is None or not session.is_open:
                session = await Session.open(self._relay, self._timeout)
            recipient = envelope_address(job.attempt.email)
            self._last_security_error = ""
            reply = await session.send(job.sender, recipient, job.data, self._timeout)
            return session, Result(delivery_id, "sent", 250, reply.message[:500])
        except SmtpReplyError as exc:
            if exc.code in CLOSING_CODES:
                _drop(session)
                session = None
            detail = f"{exc.code} {exc.message}"[:500]
            return session, Result(delivery_id, classify(exc.code), exc.code, detail)
        except ValueError as exc:  # an address SMTP cannot carry: no retry will help
            return session, Result(delivery_id, "failed", None, str(exc)[:500])
        except SmtpSecurityError as exc:
            # Our settings or the relay, never the recipient: retried, and said plainly.
            if str(exc) != self._last_security_error:
                self._last_security_error = str(exc)
                log.error("SMTP relay refused TLS or login, mails are deferred: %s", exc)
            _drop(session)
            return None, Result(delivery_id, "deferred", None, str(exc)[:500])
        except (SmtpProtocolError, OSError, TimeoutError) as exc:
            log.warning("SMTP connection failed", extra={"error": repr(exc)})
            _drop(session)
            return None, Result(delivery_id, "deferred", None, repr(exc)[:500])


def _drop(session: Session | None) -> None:
    """Close a session that is no longer usable; the next job opens a new one."""
    if session is not None:
        with contextlib.suppress(Exception):
            session.close()
