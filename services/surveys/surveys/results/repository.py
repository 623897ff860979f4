"""What results read: a campaign's responses and, for identified campaigns only, who answered."""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.results.domain import Answered, Respondent
from surveys.tables import contact_snapshot, responses


class ResultsRepository(Protocol):
    async def responses(self, campaign_id: uuid.UUID) -> list[Answered]:
        """The campaign's responses, oldest first."""
        ...

    async def respondents(self, campaign_id: uuid.UUID) -> dict[uuid.UUID, Respondent]:
        """Response id -> who answered (identified responses of people not erased)."""
        ...


class SqlResultsRepository:
    """Responses and the contact replica on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def responses(self, campaign_id: uuid.UUID) -> list[Answered]:
        stmt = (
            select(
                responses.c.id,
                responses.c.answers,
                responses.c.submitted_on,
                responses.c.language,
                responses.c.organisation_type,
                responses.c.region,
            )
            .where(responses.c.campaign_id == campaign_id)
            .order_by(responses.c.submitted_on, responses.c.id)
        )
        return [
            Answered(
                id=r.id,
                answers=dict(r.answers),
                submitted_on=r.submitted_on,
                language=r.language,
                organisation_type=r.organisation_type,
                region=r.region,
            )
            for r in (await self._conn.execute(stmt)).all()
        ]

    async def respondents(self, campaign_id: uuid.UUID) -> dict[uuid.UUID, Respondent]:
        """From the contact snapshots replica: nothing for an erased person."""
        cs = contact_snapshot
        stmt = (
            select(
                responses.c.id,
                cs.c.first_name,
                cs.c.last_name,
                cs.c.email,
                cs.c.organisation_name,
            )
            .join(cs, cs.c.contact_id == responses.c.contact_id)
            .where(
                responses.c.campaign_id == campaign_id,
                responses.c.contact_id.is_not(None),
                cs.c.erased.is_(False),
            )
        )
        return {
            r.id: Respondent(
                first_name=r.first_name,
                last_name=r.last_name,
                email=r.email,
                organisation_name=r.organisation_name,
            )
            for r in (await self._conn.execute(stmt)).all()
        }
