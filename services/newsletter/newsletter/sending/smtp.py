"""Kept-open SMTP connections, each a task taking jobs from one bounded queue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiosmtplib import SMTP, SMTPException, SMTPRecipientsRefused, SMTPResponseException

from newsletter.domain.delivery import Result, classify
from newsletter.mail.message import envelope_address
from newsletter.sending.ratelimit import Limits
from newsletter.service.outcomes import Attempt

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
        host: str,
        port: int,
        connections: int,
        timeout_s: float,
        limits: Limits,
        done: Done,
    ) -> None:
        self._host, self._port, self._timeout = host, port, timeout_s
        self._limits = limits
        self._done = done
        self._count = connections
        # Small: rendering should run just ahead of sending, not claim-batches ahead.
        self._queue: asyncio.Queue[Job | None] = asyncio.Queue(maxsize=connections * 4)
        self._tasks: list[asyncio.Task[None]] = []
        self.in_flight = 0
        self.skipped = 0

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
        smtp: SMTP | None = None
        try:
            while (job := await self._queue.get()) is not None:
                await self._limits.take(job.domain)
                if time.monotonic() > job.send_by:
                    self.in_flight -= 1
                    self.skipped += 1
                    continue
                smtp, result = await self._send(smtp, job)
                self.in_flight -= 1
                self._done(job.attempt, result)
        finally:
            if smtp is not None:
                with contextlib.suppress(Exception):
                    await smtp.quit()

    async def _send(self, smtp: SMTP | None, job: Job) -> tuple[SMTP | None, Result]:
        delivery_id = job.attempt.delivery_id
        try:
            if smtp is None or not smtp.is_connected:
                smtp = SMTP(hostname=self._host, port=self._port, timeout=self._timeout)
                await smtp.connect()
            recipient = envelope_address(job.attempt.email)
            utf8 = ["SMTPUTF8"] if not recipient.isascii() else None
            _, reply = await smtp.sendmail(job.sender, [recipient], job.data, mail_options=utf8)
            return smtp, Result(delivery_id, "sent", 250, reply[:500])
        except SMTPRecipientsRefused as exc:
            refused = exc.recipients[0]
            detail = f"{refused.code} {refused.message}"[:500]
            return smtp, Result(delivery_id, classify(refused.code), refused.code, detail)
        except SMTPResponseException as exc:
            if exc.code in CLOSING_CODES:
                _drop(smtp)
                smtp = None
            detail = f"{exc.code} {exc.message}"[:500]
            return smtp, Result(delivery_id, classify(exc.code), exc.code, detail)
        except ValueError as exc:  # an address SMTP cannot carry: no retry will help
            return smtp, Result(delivery_id, "failed", None, str(exc)[:500])
        except (SMTPException, OSError, TimeoutError) as exc:
            log.warning("SMTP connection failed", extra={"error": repr(exc)})
            _drop(smtp)
            return None, Result(delivery_id, "deferred", None, repr(exc)[:500])


def _drop(smtp: SMTP | None) -> None:
    """Close a connection that is no longer usable; the next job opens a new one."""
    if smtp is not None:
        with contextlib.suppress(Exception):
            smtp.close()
