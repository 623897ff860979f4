"""Erasure and merges in surveys (`uow.erasure`): forgetting erased people, moving a
merged-away record's invitations and responses to the kept person."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.tombstones import erased_in_replica
from surveys.assessment import repository as assessments
from surveys.invitations import repository as invitations
from surveys.responding import repository as responding
from surveys.responding.repository import ANONYMISED
from surveys.tables import contact_snapshot
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


class ErasureRepository(Protocol):
    async def erased_among(self, contact_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Those the contact replica holds as erased."""
        ...

    async def anonymise_responses(self, contact_ids: list[uuid.UUID]) -> int:
        """These people's identified responses lose every link to them; how many."""
        ...

    async def forget_invitations(self, contact_ids: list[uuid.UUID]) -> int:
        """Their invitations keep only the answered flag and the language; how many."""
        ...

    async def forget_assessment_takers(self, contact_ids: list[uuid.UUID]) -> int:
        """Their self-assessment takers lose address and contact, attempts the background."""
        ...

    async def held_by(self, contact_id: uuid.UUID) -> dict[uuid.UUID, Held]:
        """By campaign: the record's invitation and identified response, locked."""
        ...

    async def detach_invitation(self, invitation_id: uuid.UUID) -> None: ...
    async def move_invitation(self, invitation_id: uuid.UUID, target: uuid.UUID) -> None: ...
    async def move_response(self, response_id: uuid.UUID, target: uuid.UUID) -> None: ...
    async def anonymise_response(self, response_id: uuid.UUID) -> None: ...


class SqlErasureRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def erased_among(self, contact_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        return await erased_in_replica(self._conn, contact_snapshot, contact_ids)

    async def anonymise_responses(self, contact_ids: list[uuid.UUID]) -> int:
        return await responding.anonymise_people(self._conn, contact_ids)

    async def forget_invitations(self, contact_ids: list[uuid.UUID]) -> int:
        return await invitations.forget_people(self._conn, contact_ids)

    async def forget_assessment_takers(self, contact_ids: list[uuid.UUID]) -> int:
        return await assessments.forget_people(self._conn, contact_ids)

    async def held_by(self, contact_id: uuid.UUID) -> dict[uuid.UUID, Held]:
        return await held_by(self._conn, contact_id)

    async def detach_invitation(self, invitation_id: uuid.UUID) -> None:
        await detach_invitation(self._conn, invitation_id)

    async def move_invitation(self, invitation_id: uuid.UUID, target: uuid.UUID) -> None:
        await move_invitation(self._conn, invitation_id, target)

    async def move_response(self, response_id: uuid.UUID, target: uuid.UUID) -> None:
        await move_response(self._conn, response_id, target)

    async def anonymise_response(self, response_id: uuid.UUID) -> None:
        await anonymise_response(self._conn, response_id)
