"""The archive's reading of the fake campaigns (`uow.archive` of the fake unit of work)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Protocol

from newsletter.campaigns.domain import Campaign


class Stored(Protocol):
    """The fake campaigns' store (FakeCampaigns)."""

    @property
    def rows(self) -> Mapping[uuid.UUID, Campaign]: ...


_NEVER = datetime.min.replace(tzinfo=UTC)


class FakeArchive:
    """Every campaign whose send started (the SQL narrows further by the archive's rule;
    the use cases apply it), newest first."""

    def __init__(self, campaigns: Stored) -> None:
        self._campaigns = campaigns

    async def sent(self, campaign_id: uuid.UUID | None = None) -> list[Campaign]:
        found = [
            copy.deepcopy(c)
            for c in self._campaigns.rows.values()
            if c.send_started_at is not None and campaign_id in (None, c.id)
        ]
        return sorted(found, key=lambda c: c.send_started_at or _NEVER, reverse=True)
