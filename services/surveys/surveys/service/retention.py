"""Surveys' retention: a campaign's invitations (who was asked, and their link hashes) and any
unsent drafts go once the campaign has been closed for the configured days. The counts the
overview shows are kept in invitation_tallies; responses stay (they lose only the invitation
link). The dry run and the real run select with the same conditions; a real run publishes one
audit entry with the counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.retention import publish_audit
from shared.settings import ServiceSettings
from surveys.persistence.tables import (
    campaigns,
    drafts,
    invitation_tallies,
    invitations,
    responses,
)
from surveys.persistence.unit_of_work import unit_of_work


@dataclass(frozen=True)
class RetentionReport:
    dry_run: bool
    closed_before: datetime
    invitation_ids: list[uuid.UUID]
    draft_count: int

    def counts(self) -> dict[str, int]:
        return {"invitations": len(self.invitation_ids), "drafts": self.draft_count}

    def listed(self) -> list[str]:
        return [f"invitation {i}" for i in self.invitation_ids]


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
    async with unit_of_work(engine) as uow:
        conn = uow.conn
        if dry_run:
            ids = list((await conn.execute(select(invitations.c.id).where(of_expired))).scalars())
            draft_count = (
                await conn.execute(select(func.count()).where(drafts_of_expired))
            ).scalar_one()
            return RetentionReport(True, closed_before, ids, int(draft_count))
        tallies = (
            select(
                invitations.c.campaign_id,
                func.count().label("invited"),
                func.count().filter(invitations.c.answered.is_(True)).label("answered"),
                func.count().filter(invitations.c.mail_status == "delivered").label("delivered"),
                func.count().filter(invitations.c.mail_status == "bounced").label("bounced"),
                func.now(),
            )
            .where(of_expired)
            .group_by(invitations.c.campaign_id)
        )
        stmt = insert(invitation_tallies).from_select(
            ["campaign_id", "invited", "answered", "delivered", "bounced", "purged_at"], tallies
        )
        excluded = stmt.excluded
        await conn.execute(
            stmt.on_conflict_do_update(  # a second purge of the same campaign adds up
                index_elements=[invitation_tallies.c.campaign_id],
                set_={
                    name: invitation_tallies.c[name] + excluded[name]
                    for name in ("invited", "answered", "delivered", "bounced")
                }
                | {"purged_at": excluded.purged_at},
            )
        )
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
        report = RetentionReport(False, closed_before, ids, int(draft_count or 0))
        publish_audit(
            uow,
            service="surveys",
            details={**report.counts(), "closed_before": closed_before.isoformat()},
        )
        await uow.commit()
    return report
