"""What a retention run found or removed (plain Python)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Expired:
    """Of campaigns closed before the cut-off: their invitations, unsent drafts and public-link
    respondent slots (a slot is a hash of a browser's random token: nothing about a person)."""

    invitation_ids: list[uuid.UUID]
    draft_count: int
    open_respondent_hashes: list[bytes]


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
        return [f"invitation {i}" for i in self.invitation_ids] + [
            f"open_respondent {h.hex()}" for h in self.open_respondent_hashes
        ]
