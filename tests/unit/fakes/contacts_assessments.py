"""In-memory self-assessment results and area names (`uow.assessments`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class FakeResult:
    attempt_id: uuid.UUID
    assessment_id: uuid.UUID
    person_id: uuid.UUID | None
    taken_on: date
    percents: dict[str, int]
    received: int  # the order results arrived in


class FakeAssessments:
    def __init__(self) -> None:
        self.results: dict[uuid.UUID, FakeResult] = {}
        self.names: dict[str, dict[str, str]] = {}  # area key -> language -> name

    async def add_result(
        self,
        *,
        attempt_id: uuid.UUID,
        assessment_id: uuid.UUID,
        person_id: uuid.UUID | None,
        taken_on: date,
        percents: Mapping[str, int],
    ) -> bool:
        if attempt_id in self.results:
            return False
        self.results[attempt_id] = FakeResult(
            attempt_id, assessment_id, person_id, taken_on, dict(percents), len(self.results)
        )
        return True

    async def latest_result(self, person_id: uuid.UUID) -> tuple[uuid.UUID, dict[str, int]] | None:
        theirs = [r for r in self.results.values() if r.person_id == person_id]
        if not theirs:
            return None
        latest = max(theirs, key=lambda r: (r.taken_on, r.received))
        return latest.attempt_id, dict(latest.percents)

    async def save_area_names(self, names: Mapping[str, Mapping[str, str]]) -> None:
        for key in sorted(names.get("fi", {})):
            self.names[key] = {
                lang: names.get(lang, {}).get(key, "") for lang in ("fi", "sv", "en")
            }

    async def area_names(self, lang: str = "fi") -> dict[str, str]:
        column = lang if lang in ("fi", "sv", "en") else "fi"
        return {key: n[column] or n["fi"] for key, n in self.names.items()}
