"""Who is in the group: a member-list import marks the people found on it `approved` and keeps
the rows nobody matches ("group members unknown to the registry"); `mark_left` records that a
member left the group. The use cases take contacts' unit of work (`uow.onboarding`)."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from contacts.audit.domain import Actor
from contacts.errors import Conflict, NotFound
from contacts.onboarding.domain.group_members import parse_member_csv
from contacts.onboarding.domain.onboarding import Onboarding
from contacts.onboarding.service.onboarding import UNCHANGED, _changed, match_in, outcome
from contacts.unit_of_work import ContactsUnitOfWork

UNKNOWN_COLUMNS = ("row", "name", "email", "profile_url", "joined", "reason")


async def import_member_list(
    uow: ContactsUnitOfWork, text: str, *, actor: Actor | None, at: datetime | None = None
) -> dict[str, Any]:
    """Match every row like the moderation matcher, mark the matched in the group, keep the rest."""
    at = at or datetime.now(UTC)
    rows = parse_member_csv(text)
    lines = [r.as_line() for r in rows]
    import_id = uuid.uuid4()
    async with uow:
        found = await match_in(uow, lines, at=at)
        marked = 0
        for person_id in dict.fromkeys(m.person_id for m in found if m.person_id):
            assert person_id is not None
            person = await uow.people.get(person_id, for_update=True)
            if person is None:
                continue
            record = await uow.onboarding.get(person_id, for_update=True) or Onboarding(person_id)
            after = record.in_group(at=at, by=actor.id if actor else None)
            if after == record:
                continue
            await uow.onboarding.put(after)
            await uow.onboarding.spend_codes(person_id, at=at)
            await _changed(
                uow,
                person,
                "onboarding_approved",
                {"by": after.decided_by, "via": "member_list"},
                at,
            )
            marked += 1
        unknown = [
            {**asdict(row), "reason": m.reason or "unknown"}
            for row, m in zip(rows, found, strict=True)
            if m.person_id is None
        ]
        await uow.onboarding.add_import(
            import_id=import_id,
            by=actor.id if actor else None,
            at=at,
            matched=len(rows) - len(unknown),
            unknown=unknown,
        )
        await uow.audit.record(
            actor,
            "onboarding.member_list_imported",
            target_type="group_member_import",
            target_id=str(import_id),
            details={"rows": len(rows), "unknown": len(unknown), "marked": marked},
        )
        about = await uow.onboarding.details({m.person_id for m in found if m.person_id})
        await uow.commit()
    matched = [
        {
            "row": asdict(row),
            "person_id": m.person_id,
            "method": m.method,
            "confidence": m.confidence,
            "person": about.get(m.person_id),
        }
        for row, m in zip(rows, found, strict=True)
        if m.person_id is not None
    ]
    return {"id": import_id, "matched": matched, "unknown": unknown, "marked": marked}


async def unknown_csv(uow: ContactsUnitOfWork, import_id: uuid.UUID) -> bytes:
    """The unmatched rows of one import, defused against spreadsheet formulas."""
    async with uow:
        found = await uow.onboarding.get_import(import_id)
    if found is None:
        raise NotFound("No such member-list import.")
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(UNKNOWN_COLUMNS)
    for row in found["unknown"]:
        cells = [str(row.get("number" if c == "row" else c, "")) for c in UNKNOWN_COLUMNS]
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@") else c for c in cells])
    return out.getvalue().encode("utf-8-sig")


async def mark_left(
    uow: ContactsUnitOfWork,
    person_ids: Sequence[uuid.UUID],
    *,
    actor: Actor | None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Approved members who left the group; anyone else is refused, the rest still done."""
    at = at or datetime.now(UTC)
    done: list[str] = []
    refused: list[str] = []
    report: list[dict[str, Any]] = []
    async with uow:
        for person_id in dict.fromkeys(person_ids):
            person = await uow.people.get(person_id, for_update=True)
            record = await uow.onboarding.get(person_id, for_update=True)
            if person is None or record is None:
                refused.append(str(person_id))
                why = "No such person" if person is None else "Never in the group"
                report.append(outcome(person_id, person, "refused", why))
                continue
            if record.state == "left":
                report.append(outcome(person_id, person, "unchanged", UNCHANGED["left"]))
                done.append(str(person_id))
                continue
            try:
                after = record.left(at=at)
            except Conflict:
                refused.append(str(person_id))
                report.append(outcome(person_id, person, "refused", "Not a member of the group"))
                continue
            await uow.onboarding.put(after)
            await _changed(uow, person, "onboarding_left", {"by": actor.id if actor else None}, at)
            await uow.audit.record(
                actor, "onboarding.left", target_type="person", target_id=str(person_id)
            )
            report.append(outcome(person_id, person, "changed", ""))
            done.append(str(person_id))
        await uow.commit()
    return {"decided": done, "refused": refused, "report": report}
