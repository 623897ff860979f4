"""In-memory fake of results' repository: responses with the person (if any) behind each."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from surveys.results.domain import Answered, Respondent


@dataclass
class FakeResultsRepository:
    """`answered` keeps each response with the contact id it is stored with (None: nobody);
    `people` is the contact replica (an erased person is simply absent)."""

    answered: list[tuple[uuid.UUID, Answered, uuid.UUID | None]] = field(default_factory=list)
    people: dict[uuid.UUID, Respondent] = field(default_factory=dict)
    asked_who: list[uuid.UUID] = field(default_factory=list)  # campaigns whose people were read

    def add(
        self, campaign_id: uuid.UUID, response: Answered, contact_id: uuid.UUID | None = None
    ) -> None:
        self.answered.append((campaign_id, response, contact_id))

    async def responses(self, campaign_id: uuid.UUID) -> list[Answered]:
        found = [r for c, r, _ in self.answered if c == campaign_id]
        return sorted(found, key=lambda r: (r.submitted_on, r.id))

    async def respondents(self, campaign_id: uuid.UUID) -> dict[uuid.UUID, Respondent]:
        self.asked_who.append(campaign_id)
        return {
            r.id: self.people[contact]
            for c, r, contact in self.answered
            if c == campaign_id and contact is not None and contact in self.people
        }
