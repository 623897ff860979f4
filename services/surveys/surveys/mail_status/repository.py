"""Delivery outcomes of invitation mails, on the invitation row."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.tables import invitations


async def set_mail_status(
    conn: AsyncConnection, invitation_id: uuid.UUID, status: str, at: datetime
) -> bool:
    """The latest outcome wins, so an older event arriving late cannot undo a newer one.
    False when there is no such invitation or a newer outcome is already recorded."""
    result = await conn.execute(
        update(invitations)
        .where(
            invitations.c.id == invitation_id,
            or_(invitations.c.mail_status_at.is_(None), invitations.c.mail_status_at <= at),
        )
        .values(mail_status=status, mail_status_at=at)
    )
    return result.rowcount > 0
