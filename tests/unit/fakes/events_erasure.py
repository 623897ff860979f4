"""In-memory `ErasureRepository` of events: registrations' person fields by id, and which
people the contact replica holds as erased."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field


@dataclass
class HeldRegistration:
    contact_id: uuid.UUID | None
    name: str = "Anna Virtanen"
    email: str = "anna@example.fi"
    accessibility_needs: str = "pyörätuoli"
    state: str = "registered"


@dataclass
class FakeErasure:
    registrations: dict[uuid.UUID, HeldRegistration] = field(default_factory=dict)
    erased: set[uuid.UUID] = field(default_factory=set)

    def register(self, contact_id: uuid.UUID | None, state: str = "registered") -> uuid.UUID:
        registration_id = uuid.uuid4()
        self.registrations[registration_id] = HeldRegistration(contact_id, state=state)
        return registration_id

    async def erased_among(self, contact_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        return set(contact_ids) & self.erased

    async def forget_people(self, contact_ids: Sequence[uuid.UUID]) -> int:
        changed = [
            (i, r) for i, r in self.registrations.items() if r.contact_id in set(contact_ids)
        ]
        for i, r in changed:
            r.contact_id, r.name, r.accessibility_needs = None, "", ""
            r.email = f"{i}@erased.invalid"
        return len(changed)

    async def repoint(self, *, source: uuid.UUID, target: uuid.UUID) -> int:
        moved = [r for r in self.registrations.values() if r.contact_id == source]
        for r in moved:
            r.contact_id = target
        return len(moved)
