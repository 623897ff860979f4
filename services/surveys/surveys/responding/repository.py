"""Storing drafts and responses."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.responding.domain import Draft, NewResponse, SubmittedResponse
from surveys.tables import drafts, responses


async def get_draft(conn: AsyncConnection, token_hash: bytes) -> Any:
    return (await conn.execute(select(drafts).where(drafts.c.token_hash == token_hash))).first()


async def save_draft(
    conn: AsyncConnection,
    *,
    token_hash: bytes,
    campaign_id: uuid.UUID,
    answers: dict[str, Any],
    page: int,
) -> None:
    stmt = insert(drafts).values(
        token_hash=token_hash, campaign_id=campaign_id, answers=answers, page=page
    )
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[drafts.c.token_hash],
            set_={
                "answers": stmt.excluded.answers,
                "page": stmt.excluded.page,
                "updated_at": func.now(),
            },
        )
    )


async def delete_draft(conn: AsyncConnection, token_hash: bytes) -> None:
    await conn.execute(delete(drafts).where(drafts.c.token_hash == token_hash))


async def add(conn: AsyncConnection, **row: Any) -> None:
    await conn.execute(insert(responses).values(**row))


async def of_invitation(conn: AsyncConnection, invitation_id: uuid.UUID) -> Any:
    stmt = select(responses).where(responses.c.invitation_id == invitation_id)
    return (await conn.execute(stmt)).first()


async def replace_answers(
    conn: AsyncConnection, response_id: uuid.UUID, answers: dict[str, Any]
) -> None:
    await conn.execute(
        update(responses).where(responses.c.id == response_id).values(answers=answers)
    )


# What an erased (or merge-detached) response keeps of its person: nothing.
ANONYMISED: dict[str, None] = {
    "contact_id": None,
    "invitation_id": None,
    "submitted_at": None,
    "organisation_type": None,
    "region": None,
}


async def anonymise_people(conn: AsyncConnection, contact_ids: list[uuid.UUID]) -> int:
    """Erasure: identified responses of these people lose every link to them."""
    result = await conn.execute(
        update(responses).where(responses.c.contact_id.in_(contact_ids)).values(ANONYMISED)
    )
    return result.rowcount or 0


class SqlResponseRepository:
    """Drafts and responses on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def draft(self, key: bytes) -> Draft | None:
        row = await get_draft(self._conn, key)
        return None if row is None else Draft(answers=dict(row.answers), page=int(row.page))

    async def save_draft(
        self, *, key: bytes, campaign_id: uuid.UUID, answers: dict[str, Any], page: int
    ) -> None:
        await save_draft(
            self._conn, token_hash=key, campaign_id=campaign_id, answers=answers, page=page
        )

    async def delete_draft(self, key: bytes) -> None:
        await delete_draft(self._conn, key)

    async def add(self, response: NewResponse) -> None:
        await add(self._conn, **asdict(response))

    async def of_invitation(self, invitation_id: uuid.UUID) -> SubmittedResponse | None:
        row = await of_invitation(self._conn, invitation_id)
        return None if row is None else SubmittedResponse(id=row.id, answers=dict(row.answers))

    async def replace_answers(self, response_id: uuid.UUID, answers: dict[str, Any]) -> None:
        await replace_answers(self._conn, response_id, answers)
