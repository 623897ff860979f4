"""Delivery outcomes of invitation mails, on the invitation row."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.tables import invitations


class MailStatusRepository(Protocol):
    async def set(self, invitation_id: uuid.UUID, status: str, at: datetime) -> bool:
        """The latest outcome wins, so an older event arriving late cannot undo a newer one.
        False when there is no such invitation or a newer outcome is already recorded."""
        ...


class SqlMailStatusRepository:
    """Invitations' mail status on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def set(self, invitation_id: uuid.UUID, status: str, at: datetime) -> bool:
        result = await self._conn.execute(
            update(invitations)
            .where(
                invitations.c.id == invitation_id,
                or_(invitations.c.mail_status_at.is_(None), invitations.c.mail_status_at <= at),
            )
            .values(mail_status=status, mail_status_at=at)
        )
        return result.rowcount > 0
