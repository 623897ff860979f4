"""Kept-open SMTP connections, each a task taking jobs from one bounded queue.

A relay that refuses TLS or our login stops the sending, not the recipients: the first
refusal pauses the pool (every job still queued is held without a connection, and the
delivery loop claims nothing until the pause ends), one ERROR line says why, and the next
try is one connection, not one per mail. Until a connection has logged in, connections open
one at a time, so a wrong password costs one refused login, not one per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import Counter

from newsletter.delivery.domain import Result, classify, is_relay_refusal
from newsletter.delivery.ratelimit import Limits
from newsletter.delivery.relay import Relay, SmtpProtocolError, SmtpSecurityError
from newsletter.delivery.service import Attempt
from newsletter.delivery.session import Session, SmtpReplyError
from newsletter.mail.message import envelope_address

log = logging.getLogger(__name__)

# Alert on any increase: each is a pause of this process's sending (the ERROR line says why).
RELAY_REFUSALS = Counter(
    "digituki_newsletter_relay_refusals_total",
    "Times the SMTP relay refused TLS or our login and sending paused",
    ["permanent"],
)
MAILS_HELD = Counter(
    "digituki_newsletter_mails_held_total", "Mails held back because the relay refused us"
)

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
        pause_s: float = 60.0,
        pause_max_s: float = 3600.0,
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
        # The relay refused TLS or the login: nothing is tried before `_paused_until`.
        self._pause_base_s, self._pause_max_s = pause_s, pause_max_s
        self._pause_s = 0.0
        self._paused_until = 0.0
        self._relay_error = ""
        self._relay_ok = False  # a connection has logged in since the last refusal
        self._opening = asyncio.Lock()
        self.held = 0

    @property
    def paused_for_s(self) -> float:
        """Seconds until the relay is tried again (0: not paused)."""
        return max(0.0, self._paused_until - time.monotonic())

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
                if self.paused_for_s > 0:
                    self.in_flight -= 1
                    self._done(job.attempt, self._held(job, self._relay_error))
                    continue
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
                _drop(session)
                session = await self._open()
            recipient = envelope_address(job.attempt.email)
            reply = await session.send(job.sender, recipient, job.data, self._timeout)
            return session, Result(delivery_id, "sent", 250, reply.message[:500])
        except SmtpReplyError as exc:
            detail = f"{exc.code} {exc.message}"[:500]
            if is_relay_refusal(exc.code, exc.message):
                # We may not send through this relay (not logged in, or no longer): the
                # recipient is not at fault.
                _drop(session)
                self._pause(f"relay {self._relay} refused the mail: {detail}", exc.code >= 500)
                return None, self._held(job, self._relay_error)
            if exc.code in CLOSING_CODES:
                _drop(session)
                session = None
            return session, Result(delivery_id, classify(exc.code), exc.code, detail)
        except ValueError as exc:  # an address SMTP cannot carry: no retry will help
            return session, Result(delivery_id, "failed", None, str(exc)[:500])
        except SmtpSecurityError as exc:
            # Our settings or the relay, never the recipient: held, and said plainly.
            _drop(session)
            self._pause(str(exc), exc.permanent)
            return None, self._held(job, self._relay_error)
        except (SmtpProtocolError, OSError, TimeoutError) as exc:
            log.warning("SMTP connection failed", extra={"error": repr(exc)})
            _drop(session)
            return None, Result(delivery_id, "deferred", None, repr(exc)[:500])

    async def _open(self) -> Session:
        """A logged-in session; SmtpSecurityError while the relay is paused."""
        if not self._relay_ok:
            async with self._opening:  # one try at a time until the relay has taken a login
                if self.paused_for_s > 0:  # another connection's try failed meanwhile
                    raise SmtpSecurityError(self._relay_error)
                if not self._relay_ok:
                    session = await Session.open(self._relay, self._timeout)
                    if self._relay_error:
                        log.warning("SMTP relay %s accepts again; sending resumes", self._relay)
                    self._relay_ok, self._relay_error, self._pause_s = True, "", 0.0
                    return session
        return await Session.open(self._relay, self._timeout)

    def _pause(self, reason: str, permanent: bool) -> None:
        """Stop sending through the relay for a while: a permanent refusal (a wrong password)
        for the longest pause, others with a backoff that doubles."""
        if self.paused_for_s > 0 and reason == self._relay_error:
            return  # a connection that was already under way when another one failed
        self._relay_ok = False
        if permanent:
            self._pause_s = self._pause_max_s
        else:
            self._pause_s = min(max(self._pause_s * 2, self._pause_base_s), self._pause_max_s)
        self._paused_until = time.monotonic() + self._pause_s
        self._relay_error = reason
        RELAY_REFUSALS.labels(permanent=str(permanent).lower()).inc()
        # Once a pause, not once per mail: the line to alert on.
        log.error(
            "SMTP relay refused TLS or login; sending paused for %.0f s, mails wait "
            "(none bounced): %s",
            self._pause_s,
            reason,
        )

    def _held(self, job: Job, reason: str) -> Result:
        """Back to the queue, due within the shortest pause: this process claims nothing
        while paused, but a process started with fixed settings sends them soon."""
        self.held += 1
        MAILS_HELD.inc()
        due_in_s = min(self.paused_for_s, self._pause_base_s)
        return Result(job.attempt.delivery_id, "held", None, reason[:500], retry_in_s=due_in_s)


def _drop(session: Session | None) -> None:
    """Close a session that is no longer usable; the next job opens a new one."""
    if session is not None:
        with contextlib.suppress(Exception):
            session.close()
