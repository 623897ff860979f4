"""What accepting a transactional mail request reads: is the address suppressed, is the
person erased. `MailRequestRepository` is what the use case sees, `MailRequestRows` its SQL."""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.suppression import repository as suppressions
from newsletter.tables import contact_snapshot


class MailRequestRepository(Protocol):
    async def is_suppressed(self, email_hmac: bytes) -> bool: ...
    async def is_erased(self, contact_id: uuid.UUID) -> bool:
        """As the contact replica has it (a person not in it is not erased)."""
        ...


class MailRequestRows:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def is_suppressed(self, email_hmac: bytes) -> bool:
        return await suppressions.is_suppressed(self._conn, email_hmac)

    async def is_erased(self, contact_id: uuid.UUID) -> bool:
        cs = contact_snapshot
        stmt = select(cs.c.erased).where(cs.c.contact_id == contact_id)
        return bool((await self._conn.execute(stmt)).scalar_one_or_none())
