"""In-memory fake of campaigns' figures, counted from the fake invitations and campaigns.

Audience segments and retention's tallies are not kept on fake invitations: tests set
`by_segments` (campaign id -> rows) and `kept` (campaign id -> tallies) themselves."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from surveys.campaigns.domain import Campaign
from surveys.invitations.domain import REACHABLE

from shared.segments import evaluate

if TYPE_CHECKING:
    from tests.unit.fakes.surveys import FakeCampaignRepository, FakeInvitationRepository

UNREACHABLE = ("bounced", "complained")
FIGURES = ("invited", "answered", "delivered", "bounced")


@dataclass
class FakeCampaignFigures:
    campaigns: FakeCampaignRepository
    invitations: FakeInvitationRepository
    by_segments: dict[uuid.UUID, list[dict[str, Any]]] = field(default_factory=dict)
    kept: dict[uuid.UUID, dict[str, int]] = field(default_factory=dict)

    def _of(self, campaign_id: uuid.UUID) -> list[Any]:
        return [i for i in self.invitations.rows.values() if i.campaign_id == campaign_id]

    async def of_survey(self, survey_id: uuid.UUID) -> list[dict[str, Any]]:
        found = []
        for c in reversed(list(self.campaigns.rows.values())):  # newest first
            if c.survey_id != survey_id:
                continue
            row: dict[str, Any] = {"id": c.id, "name": c.name, "mode": c.mode}
            figures = await self.progress(c.id)
            row |= {n: figures[n] for n in FIGURES}
            found.append(row)
        return found

    async def progress(self, campaign_id: uuid.UUID) -> dict[str, int]:
        rows = self._of(campaign_id)
        kept = self.kept.get(campaign_id, {})
        return {
            "invited": len(rows) + kept.get("invited", 0),
            "delivered": sum(i.mail_status == "delivered" for i in rows) + kept.get("delivered", 0),
            "bounced": sum(i.mail_status in UNREACHABLE for i in rows) + kept.get("bounced", 0),
            "answered": sum(i.answered for i in rows) + kept.get("answered", 0),
        }

    async def by_segment(self, campaign_id: uuid.UUID) -> list[dict[str, Any]]:
        return list(self.by_segments.get(campaign_id, []))

    async def counts(self, campaign_id: uuid.UUID) -> tuple[int, int]:
        rows = self._of(campaign_id)
        return len(rows), sum(i.answered for i in rows)

    async def response_rate_by(
        self, campaign_id: uuid.UUID, column: str
    ) -> list[tuple[str | None, int, int]]:
        groups: dict[str | None, list[bool]] = {}
        for i in self._of(campaign_id):
            groups.setdefault(getattr(i, column), []).append(i.answered)
        return [(g, len(a), sum(a)) for g, a in groups.items()]

    async def audience_languages(self, audience: dict[str, Any], now: datetime) -> dict[str, int]:
        found: dict[str, int] = {}
        for person in self.invitations.people:
            if evaluate({"all": [audience, REACHABLE]}, person, now):
                lang = person.get("language") or "fi"
                found[lang] = found.get(lang, 0) + 1
        return found

    async def oldest_due_mail(self, campaign: Campaign) -> datetime | None:
        due = [
            i.last_mailed_at
            for i in self._of(campaign.id)
            if not i.answered
            and i.reminders_sent < campaign.max_reminders
            and i.mail_status not in UNREACHABLE
        ]
        return min(due, default=None)
