"""Storing enquiries and their replies, the queue's reads, and what erasure and retention remove."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.enquiries.domain import Enquiry, EnquiryForm, Reply
from contacts.tables import enquiries, enquiry_replies, outbox

_FORM = ("name", "email", "organisation", "kind", "message", "language")


def _to_enquiry(row: Any, replies: tuple[Reply, ...] = ()) -> Enquiry:
    r = row._mapping
    return Enquiry(
        id=r["id"],
        form=EnquiryForm(**{name: r[name] for name in _FORM}),
        created_at=r["created_at"],
        state=r["state"],
        closed_at=r["closed_at"],
        closed_by=r["closed_by"],
        replies=replies,
    )


async def add(conn: AsyncConnection, enquiry: Enquiry) -> None:
    await conn.execute(
        insert(enquiries).values(
            id=enquiry.id,
            state=enquiry.state,
            created_at=enquiry.created_at,
            **{name: getattr(enquiry.form, name) for name in _FORM},
        )
    )


async def save(conn: AsyncConnection, before: Enquiry, after: Enquiry) -> None:
    """The state, and the replies `after` has beyond `before`'s."""
    await conn.execute(
        update(enquiries)
        .where(enquiries.c.id == after.id)
        .values(state=after.state, closed_at=after.closed_at, closed_by=after.closed_by)
    )
    for reply in after.replies[len(before.replies) :]:
        await conn.execute(
            insert(enquiry_replies).values(
                id=reply.id,
                enquiry_id=after.id,
                body=reply.body,
                sent_by=reply.sent_by,
                sent_at=reply.sent_at,
            )
        )


async def get(
    conn: AsyncConnection, enquiry_id: uuid.UUID, *, for_update: bool = False
) -> Enquiry | None:
    stmt = select(enquiries).where(enquiries.c.id == enquiry_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    if row is None:
        return None
    replies = await conn.execute(
        select(enquiry_replies)
        .where(enquiry_replies.c.enquiry_id == enquiry_id)
        .order_by(enquiry_replies.c.sent_at, enquiry_replies.c.id)
    )
    return _to_enquiry(
        row,
        tuple(Reply(id=r.id, body=r.body, sent_at=r.sent_at, sent_by=r.sent_by) for r in replies),
    )


async def listed(
    conn: AsyncConnection, *, state: str | None = None, limit: int = 200
) -> list[Enquiry]:
    """Newest first, without their replies (the detail page shows those)."""
    stmt = select(enquiries).order_by(enquiries.c.created_at.desc(), enquiries.c.id).limit(limit)
    if state:
        stmt = stmt.where(enquiries.c.state == state)
    return [_to_enquiry(r) for r in await conn.execute(stmt)]


async def counts(conn: AsyncConnection) -> dict[str, int]:
    stmt = select(enquiries.c.state, func.count()).group_by(enquiries.c.state)
    return {state: n for state, n in (await conn.execute(stmt)).all()}


async def remove(conn: AsyncConnection, enquiry_ids: list[uuid.UUID]) -> None:
    """The enquiries, their replies (cascade) and any reply mail not yet handed to Kafka."""
    if not enquiry_ids:
        return
    await conn.execute(delete(outbox).where(outbox.c.key.in_([str(i) for i in enquiry_ids])))
    await conn.execute(delete(enquiries).where(enquiries.c.id.in_(enquiry_ids)))


async def of_address(
    conn: AsyncConnection, email: str, *, for_update: bool = False
) -> list[uuid.UUID]:
    stmt = select(enquiries.c.id).where(func.lower(enquiries.c.email) == email.strip().lower())
    if for_update:
        stmt = stmt.with_for_update()
    return list((await conn.execute(stmt)).scalars())


async def forget_address(conn: AsyncConnection, email: str) -> int:
    """Every enquiry sent from this address goes (a person's erasure comes through here)."""
    found = await of_address(conn, email, for_update=True)
    await remove(conn, found)
    return len(found)


async def closed_before(
    conn: AsyncConnection, cutoff: datetime, *, for_update: bool = False
) -> list[uuid.UUID]:
    stmt = (
        select(enquiries.c.id)
        .where(enquiries.c.state == "closed", enquiries.c.closed_at < cutoff)
        .order_by(enquiries.c.id)
    )
    if for_update:
        stmt = stmt.with_for_update(skip_locked=True)
    return list((await conn.execute(stmt)).scalars())
