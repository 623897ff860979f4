"""The SQL of event feedback: the replica's word on a person, the event's campaign and its
counts, and one invitation per registration."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.event_feedback.domain import UNREACHABLE, Known, Recipient
from surveys.tables import contact_snapshot as cs
from surveys.tables import event_feedback as ef
from surveys.tables import invitations as inv


@dataclass(frozen=True, slots=True)
class FeedbackCounts:
    """An event's feedback campaign as surveys.event_feedback.v1 tells it."""

    event_id: uuid.UUID
    survey_id: uuid.UUID
    campaign_id: uuid.UUID
    version: int
    invited: int
    answered: int


def _known(row: Any) -> Known | None:
    if row is None:
        return None
    return Known(
        contact_id=row.contact_id,
        erased=row.erased,
        email=row.email,
        email_status=row.email_status,
        first_name=row.first_name,
        last_name=row.last_name,
    )


_KNOWN = (
    cs.c.contact_id,
    cs.c.erased,
    cs.c.email,
    cs.c.email_status,
    cs.c.first_name,
    cs.c.last_name,
)


async def known_by_id(conn: AsyncConnection, contact_id: uuid.UUID) -> Known | None:
    row = (await conn.execute(select(*_KNOWN).where(cs.c.contact_id == contact_id))).first()
    return _known(row)


async def known_by_email(conn: AsyncConnection, email: str) -> Known | None:
    stmt = (
        select(*_KNOWN)
        .where(func.lower(cs.c.email) == email.strip().lower(), cs.c.erased.is_(False))
        .order_by(cs.c.contact_id)
        .limit(1)
    )
    return _known((await conn.execute(stmt)).first())


async def address_bounced(conn: AsyncConnection, email: str) -> bool:
    """Whether an earlier invitation to this (non-contact) address bounced or complained."""
    stmt = select(inv.c.id).where(inv.c.email == email, inv.c.mail_status.in_(UNREACHABLE))
    return (await conn.execute(stmt.limit(1))).first() is not None


def _counts(row: Any) -> FeedbackCounts:
    return FeedbackCounts(
        event_id=row.event_id,
        survey_id=row.survey_id,
        campaign_id=row.campaign_id,
        version=row.version,
        invited=row.invited,
        answered=row.answered,
    )


async def feedback_of_event(
    conn: AsyncConnection, event_id: uuid.UUID, *, for_update: bool = False
) -> FeedbackCounts | None:
    stmt = select(ef).where(ef.c.event_id == event_id)
    row = (await conn.execute(stmt.with_for_update() if for_update else stmt)).first()
    return _counts(row) if row else None


async def add_feedback(
    conn: AsyncConnection, *, event_id: uuid.UUID, campaign_id: uuid.UUID, survey_id: uuid.UUID
) -> bool:
    """The event's campaign; False when the event has one already (then nothing is written)."""
    result = await conn.execute(
        insert(ef)
        .values(event_id=event_id, campaign_id=campaign_id, survey_id=survey_id)
        .on_conflict_do_nothing(index_elements=[ef.c.event_id])
        .returning(ef.c.event_id)
    )
    return result.first() is not None


async def count(
    conn: AsyncConnection, *, event_id: uuid.UUID, invited: int = 0, answered: int = 0
) -> FeedbackCounts:
    row = (
        await conn.execute(
            update(ef)
            .where(ef.c.event_id == event_id)
            .values(
                invited=ef.c.invited + invited,
                answered=ef.c.answered + answered,
                version=ef.c.version + 1,
            )
            .returning(ef)
        )
    ).one()
    return _counts(row)


async def answered_in(conn: AsyncConnection, campaign_id: uuid.UUID) -> FeedbackCounts | None:
    """One more answer in an event's feedback campaign (None: not an event's campaign)."""
    row = (
        await conn.execute(
            update(ef)
            .where(ef.c.campaign_id == campaign_id)
            .values(answered=ef.c.answered + 1, version=ef.c.version + 1)
            .returning(ef)
        )
    ).first()
    return _counts(row) if row else None


def new_nonce() -> str:
    """The link's opaque token: 64 hex digits (256 random bits), as the launch's links."""
    return secrets.token_hex(32)


async def invite(
    conn: AsyncConnection,
    *,
    campaign_id: uuid.UUID,
    registration_id: uuid.UUID,
    recipient: Recipient,
    nonce: str,
    now: datetime,
) -> uuid.UUID | None:
    """The registration's invitation; None when it (or the contact's, in this campaign)
    exists already."""
    invitation_id = uuid.uuid4()
    result = await conn.execute(
        insert(inv)
        .values(
            id=invitation_id,
            campaign_id=campaign_id,
            contact_id=recipient.contact_id,
            language=recipient.language,
            token_hash=hashlib.sha256(nonce.encode()).digest(),
            last_mailed_at=now,
            email=recipient.stored_email,
            name=recipient.stored_name,
            registration_id=registration_id,
        )
        .on_conflict_do_nothing()
        .returning(inv.c.id)
    )
    return invitation_id if result.first() is not None else None


class EventFeedbackRepository(Protocol):
    """Events' feedback campaigns, their counts, and the attendees' invitations."""

    async def feedback_of_event(
        self, event_id: uuid.UUID, *, for_update: bool = False
    ) -> FeedbackCounts | None: ...
    async def add_feedback(
        self, *, event_id: uuid.UUID, campaign_id: uuid.UUID, survey_id: uuid.UUID
    ) -> bool:
        """False when the event has a campaign already (then nothing is written)."""
        ...

    async def count(
        self, *, event_id: uuid.UUID, invited: int = 0, answered: int = 0
    ) -> FeedbackCounts:
        """Add to the event's counts; the new counts (a new version)."""
        ...

    async def known_by_id(self, contact_id: uuid.UUID) -> Known | None: ...
    async def known_by_email(self, email: str) -> Known | None: ...
    async def address_bounced(self, email: str) -> bool:
        """Whether an earlier invitation to this (non-contact) address bounced or complained."""
        ...

    async def invite(
        self,
        *,
        campaign_id: uuid.UUID,
        registration_id: uuid.UUID,
        recipient: Recipient,
        nonce: str,
        now: datetime,
    ) -> uuid.UUID | None:
        """The registration's invitation; None when it (or the contact's) exists already."""
        ...


class SqlEventFeedbackRepository:
    """Event feedback on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def feedback_of_event(
        self, event_id: uuid.UUID, *, for_update: bool = False
    ) -> FeedbackCounts | None:
        return await feedback_of_event(self._conn, event_id, for_update=for_update)

    async def add_feedback(
        self, *, event_id: uuid.UUID, campaign_id: uuid.UUID, survey_id: uuid.UUID
    ) -> bool:
        return await add_feedback(
            self._conn, event_id=event_id, campaign_id=campaign_id, survey_id=survey_id
        )

    async def count(
        self, *, event_id: uuid.UUID, invited: int = 0, answered: int = 0
    ) -> FeedbackCounts:
        return await count(self._conn, event_id=event_id, invited=invited, answered=answered)

    async def known_by_id(self, contact_id: uuid.UUID) -> Known | None:
        return await known_by_id(self._conn, contact_id)

    async def known_by_email(self, email: str) -> Known | None:
        return await known_by_email(self._conn, email)

    async def address_bounced(self, email: str) -> bool:
        return await address_bounced(self._conn, email)

    async def invite(
        self,
        *,
        campaign_id: uuid.UUID,
        registration_id: uuid.UUID,
        recipient: Recipient,
        nonce: str,
        now: datetime,
    ) -> uuid.UUID | None:
        return await invite(
            self._conn,
            campaign_id=campaign_id,
            registration_id=registration_id,
            recipient=recipient,
            nonce=nonce,
            now=now,
        )
