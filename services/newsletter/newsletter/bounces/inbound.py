"""Where bounces come in: a DSN file, a Maildir folder, or SMTP for the bounce domain."""

from __future__ import annotations

import asyncio
import logging
import mailbox
from collections import Counter
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.bounces.domain import verp_ids
from newsletter.bounces.service import BounceResult, process_dsn
from newsletter.settings import NewsletterSettings
from newsletter.unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)


class BounceIntake:
    def __init__(self, engine: AsyncEngine, settings: NewsletterSettings) -> None:
        self._engine = engine
        self.mail_domain = settings.mail_domain
        self._key = settings.suppression_secret()

    async def process(
        self, raw: bytes, envelope_recipients: list[str] | None = None
    ) -> BounceResult:
        async with SqlUnitOfWork(self._engine, self._key) as uow:  # one per mail
            result = await process_dsn(
                uow,
                raw,
                mail_domain=self.mail_domain,
                suppression_key=self._key,
                envelope_recipients=envelope_recipients or [],
            )
        log.info("bounce %s (to %s)", result, envelope_recipients or "-")
        return result

    async def process_maildir(self, folder: Path) -> Counter[str]:
        """Each message is removed once recorded, so a rerun sees only what is new."""
        box = mailbox.Maildir(folder, factory=None, create=False)
        results: Counter[str] = Counter()
        for key in list(box.keys()):
            results[await self.process(box.get_bytes(key))] += 1
            box.discard(key)
        return results

    # aiosmtpd handler hooks (found by name).
    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        """Only our VERP addresses: anything else is not a bounce of ours."""
        domain = address.rpartition("@")[2].lower()
        if domain != self.mail_domain.lower() or not verp_ids([address]):
            return f"550 5.1.1 <{address}>: not a bounce address"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        # Accepted even when not understood: refusing would only bounce the bounce.
        raw = envelope.original_content or b""
        result = await self.process(raw, list(envelope.rcpt_tos))
        return f"250 2.0.0 OK: {result}"


async def serve_smtp(intake: BounceIntake, host: str, port: int, stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(intake, hostname=intake.mail_domain, enable_SMTPUTF8=True),
        host=host,
        port=port,
        reuse_address=True,
    )
    log.info("bounce SMTP listening on %s:%d", host, port)
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
