"""In-memory fakes of self-assessments' repository and of the materials replica."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from surveys.assessment.repository import Attempt, KnownContact, StoredAssessment, Taker


@dataclass
class FakeAssessmentRepository:
    """`contacts` is the contact replica by lower-case address (an erased person is absent)."""

    rows: dict[uuid.UUID, StoredAssessment] = field(default_factory=dict)
    takers: dict[uuid.UUID, tuple[uuid.UUID, Taker]] = field(default_factory=dict)
    attempts: dict[uuid.UUID, Attempt] = field(default_factory=dict)
    token_hashes: dict[bytes, uuid.UUID] = field(default_factory=dict)
    contacts: dict[str, KnownContact] = field(default_factory=dict)

    async def add(self, *, id: uuid.UUID, definition: dict[str, Any], mode: str) -> None:
        self.rows[id] = StoredAssessment(id, definition, mode, False, 1, datetime.now(UTC))

    async def get(
        self, assessment_id: uuid.UUID, *, for_update: bool = False
    ) -> StoredAssessment | None:
        return self.rows.get(assessment_id)

    async def listing(self) -> list[tuple[StoredAssessment, int]]:
        return [
            (s, sum(a.assessment_id == s.id for a in self.attempts.values()))
            for s in reversed(list(self.rows.values()))
        ]

    async def save(
        self, assessment_id: uuid.UUID, *, definition: dict[str, Any], mode: str, published: bool
    ) -> int:
        current = self.rows[assessment_id]
        self.rows[assessment_id] = replace(
            current,
            definition=definition,
            mode=mode,
            published=published,
            version=current.version + 1,
        )
        return current.version + 1

    async def attempt_count(self, assessment_id: uuid.UUID) -> int:
        return sum(a.assessment_id == assessment_id for a in self.attempts.values())

    async def taker_by_email(self, assessment_id: uuid.UUID, email: str) -> Taker | None:
        for of, taker in self.takers.values():
            if of == assessment_id and taker.email == email:
                return taker
        return None

    async def taker(self, taker_id: uuid.UUID) -> Taker | None:
        found = self.takers.get(taker_id)
        return found[1] if found else None

    async def add_taker(
        self, *, id: uuid.UUID, assessment_id: uuid.UUID, email: str, language: str
    ) -> None:
        self.takers[id] = (assessment_id, Taker(id, email, None, language))

    async def set_taker_contact(self, taker_id: uuid.UUID, contact_id: uuid.UUID | None) -> None:
        of, taker = self.takers[taker_id]
        self.takers[taker_id] = (of, replace(taker, contact_id=contact_id))

    async def contact_by_email(self, email: str) -> KnownContact | None:
        return self.contacts.get(email.lower())

    async def add_attempt(self, **values: Any) -> None:
        token_hash = values.pop("token_hash")
        attempt = Attempt(
            id=values["id"],
            assessment_id=values["assessment_id"],
            taker_id=values["taker_id"],
            previous_id=values["previous_id"],
            percents=dict(values["percents"]),
            language=values["language"],
            taken_on=values["taken_on"],
            confirmed_at=values["confirmed_at"],
            region=values["region"],
            organisation_type=values["organisation_type"],
        )
        self.attempts[attempt.id] = attempt
        self.token_hashes[token_hash] = attempt.id

    async def attempt_by_token(
        self, token_hash: bytes, *, for_update: bool = False
    ) -> Attempt | None:
        found = self.token_hashes.get(token_hash)
        return self.attempts.get(found) if found else None

    async def attempt(self, attempt_id: uuid.UUID) -> Attempt | None:
        return self.attempts.get(attempt_id)

    async def confirm(self, attempt_id: uuid.UUID, now: datetime) -> bool:
        attempt = self.attempts[attempt_id]
        if attempt.confirmed_at is not None:
            return False
        self.attempts[attempt_id] = replace(attempt, confirmed_at=now)
        return True

    async def history(self, taker_id: uuid.UUID) -> list[Attempt]:
        mine = [a for a in self.attempts.values() if a.taker_id == taker_id and a.confirmed_at]
        return sorted(mine, key=lambda a: a.confirmed_at or datetime.min)

    async def latest_rows(
        self, assessment_id: uuid.UUID, by: str
    ) -> list[tuple[str | None, dict[str, int]]]:
        retaken = {
            a.previous_id for a in self.attempts.values() if a.confirmed_at and a.previous_id
        }
        return [
            (getattr(a, by), a.percents)
            for a in self.attempts.values()
            if a.assessment_id == assessment_id and a.confirmed_at and a.id not in retaken
        ]


@dataclass
class FakeMaterialsRepository:
    """Replica rows: {material_id, title, url, areas, listed} (and version, once replicated)."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    async def upsert(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            at = next(
                (i for i, r in enumerate(self.rows) if r["material_id"] == row["material_id"]),
                None,
            )
            if at is None:
                self.rows.insert(0, dict(row))  # newest first
            elif self.rows[at].get("version", 0) < row["version"]:
                self.rows[at] = dict(row)

    async def listed_for_areas(self, areas: Sequence[str]) -> list[dict[str, Any]]:
        return [
            {k: r[k] for k in ("material_id", "title", "url", "areas")}
            for r in self.rows
            if r.get("listed", True) and set(r["areas"]) & set(areas)
        ]
