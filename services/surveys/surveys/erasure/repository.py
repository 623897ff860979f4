"""Moving a merged-away record's invitations and responses to the kept person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.responding.repository import ANONYMISED
from surveys.tables import invitations as inv
from surveys.tables import responses as resp


@dataclass
class Held:
    """One record's rows in one campaign."""

    invitation_id: uuid.UUID | None = None
    answered: bool = False
    response_id: uuid.UUID | None = None


async def held_by(conn: AsyncConnection, contact_id: uuid.UUID) -> dict[uuid.UUID, Held]:
    """By campaign: the record's invitation and identified response, locked so that a
    submission racing the merge sees the invitation as the merge leaves it."""
    held: dict[uuid.UUID, Held] = {}
    invited = select(inv.c.campaign_id, inv.c.id, inv.c.answered).where(
        inv.c.contact_id == contact_id
    )
    for row in await conn.execute(invited.with_for_update()):
        held[row.campaign_id] = Held(invitation_id=row.id, answered=row.answered)
    answered = select(resp.c.campaign_id, resp.c.id).where(resp.c.contact_id == contact_id)
    for found in await conn.execute(answered.with_for_update()):
        entry = held.setdefault(found.campaign_id, Held())
        entry.response_id, entry.answered = found.id, True
    return held


async def detach_invitation(conn: AsyncConnection, invitation_id: uuid.UUID) -> None:
    """As an erasure leaves it: the answered flag and language, nothing of the person."""
    await conn.execute(
        update(inv)
        .where(inv.c.id == invitation_id)
        .values(contact_id=None, organisation_type=None, region=None)
    )


async def move_invitation(
    conn: AsyncConnection, invitation_id: uuid.UUID, target: uuid.UUID
) -> None:
    await conn.execute(update(inv).where(inv.c.id == invitation_id).values(contact_id=target))


async def move_response(conn: AsyncConnection, response_id: uuid.UUID, target: uuid.UUID) -> None:
    await conn.execute(update(resp).where(resp.c.id == response_id).values(contact_id=target))


async def anonymise_response(conn: AsyncConnection, response_id: uuid.UUID) -> None:
    """As an erasure leaves it (surveys.responding.repository.anonymise_people)."""
    await conn.execute(update(resp).where(resp.c.id == response_id).values(ANONYMISED))
