"""Surveys' retention: a campaign's invitations (who was asked, and their link hashes), its
public-link respondent slots and any unsent drafts go once the campaign has been closed for the
configured days. The counts the overview shows are kept first (persistence/retained.py) and
read back with the raw rows; responses stay (they lose only the invitation link). The dry run
and the real run select with the same conditions; a real run publishes one audit entry."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.retention import publish_audit
from shared.settings import ServiceSettings
from surveys.retention import repository as retained
from surveys.tables import (
    campaigns,
    drafts,
    invitations,
    open_respondents,
    responses,
)
from surveys.unit_of_work import unit_of_work


@dataclass(frozen=True)
class RetentionReport:
    dry_run: bool
    closed_before: datetime
    invitation_ids: list[uuid.UUID]
    draft_count: int
    open_respondent_hashes: list[bytes]

    def counts(self) -> dict[str, int]:
        return {
            "invitations": len(self.invitation_ids),
            "drafts": self.draft_count,
            "open_respondents": len(self.open_respondent_hashes),
        }

    def listed(self) -> list[str]:
        # A slot is a hash of a browser's random token: nothing about a person.
        return [f"invitation {i}" for i in self.invitation_ids] + [
            f"open_respondent {h.hex()}" for h in self.open_respondent_hashes
        ]


def _expired_campaigns(closed_before: datetime) -> ColumnElement[bool]:
    return campaigns.c.closes_at < closed_before


async def run_retention(
    engine: AsyncEngine, settings: ServiceSettings, *, dry_run: bool, now: datetime | None = None
) -> RetentionReport:
    now = now or datetime.now(UTC)
    closed_before = now - timedelta(days=settings.retention_invitation_days_after_close)
    expired = select(campaigns.c.id).where(_expired_campaigns(closed_before))
    of_expired = invitations.c.campaign_id.in_(expired)
    drafts_of_expired = drafts.c.campaign_id.in_(expired)
    slots_of_expired = open_respondents.c.campaign_id.in_(expired)
    async with unit_of_work(engine) as uow:
        conn = uow.conn
        if dry_run:
            ids = list((await conn.execute(select(invitations.c.id).where(of_expired))).scalars())
            draft_count = (
                await conn.execute(select(func.count()).where(drafts_of_expired))
            ).scalar_one()
            hashes = list(
                (
                    await conn.execute(
                        select(open_respondents.c.token_hash).where(slots_of_expired)
                    )
                ).scalars()
            )
            return RetentionReport(True, closed_before, ids, int(draft_count), hashes)
        await conn.execute(retained.tally_invitations(of_expired))
        await conn.execute(retained.tally_segments(of_expired))
        await conn.execute(retained.tally_open_respondents(slots_of_expired))
        doomed = select(invitations.c.id).where(of_expired)
        await conn.execute(
            update(responses)
            .where(responses.c.invitation_id.in_(doomed))
            .values(invitation_id=None)
        )
        draft_count = (await conn.execute(delete(drafts).where(drafts_of_expired))).rowcount
        ids = list(
            (
                await conn.execute(
                    delete(invitations).where(of_expired).returning(invitations.c.id)
                )
            ).scalars()
        )
        hashes = list(
            (
                await conn.execute(
                    delete(open_respondents)
                    .where(slots_of_expired)
                    .returning(open_respondents.c.token_hash)
                )
            ).scalars()
        )
        report = RetentionReport(False, closed_before, ids, int(draft_count or 0), hashes)
        publish_audit(
            uow,
            service="surveys",
            details={**report.counts(), "closed_before": closed_before.isoformat()},
        )
        await uow.commit()
    return report
