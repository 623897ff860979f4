"""The onboarding lists and their bulk actions: invite, remind or mark as gone the people
staff selected, each one reported as done, skipped or refused and why (the `report` shape of
`decide`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.onboarding.domain.lists import (
    BulkAction,
    ListState,
    invite_verdict,
    pages_of,
    remind_verdict,
)
from contacts.onboarding.repository import lists as repository
from contacts.onboarding.repository import onboarding as store
from contacts.onboarding.repository.lists import ListFilters
from contacts.onboarding.service import group_members
from contacts.onboarding.service.onboarding import (
    OnboardingSettings,
    _request_mail,
    invite_in,
    outcome,
)
from contacts.people import repository as people
from contacts.snapshots import record_activity
from contacts.unit_of_work import unit_of_work

MAX_SELECTED = 200


async def people_list(
    engine: AsyncEngine,
    state: ListState,
    filters: ListFilters,
    *,
    lang: str,
    page: int,
    per_page: int,
) -> dict[str, Any]:
    """One page of the people in `state`, and every state's capped count under the filters."""
    async with engine.connect() as conn:
        counts = await repository.counts(conn, filters)
        pages = pages_of(counts[state], per_page)
        page = min(page, pages)
        rows = await repository.people_in(
            conn, state, filters, lang=lang, offset=(page - 1) * per_page, limit=per_page
        )
    return {"rows": rows, "counts": counts, "page": page, "pages": pages}


async def bulk(
    engine: AsyncEngine,
    person_ids: Sequence[uuid.UUID],
    action: BulkAction,
    *,
    actor: Actor | None,
    settings: OnboardingSettings,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Run `action` for each selected person; one refusal does not stop the others."""
    at = at or datetime.now(UTC)
    ids = list(dict.fromkeys(person_ids))[:MAX_SELECTED]
    if action == "left":
        return await group_members.mark_left(engine, ids, actor=actor, at=at)
    done: list[str] = []
    refused: list[str] = []
    report: list[dict[str, Any]] = []
    async with unit_of_work(engine) as uow:
        for person_id in ids:
            person = await people.get(uow.conn, person_id, for_update=True)
            record = await store.get(uow.conn, person_id, for_update=True)
            standing = (await repository.standings(uow.conn, [person_id], at=at)).get(person_id)
            if person is None or standing is None:
                refused.append(str(person_id))
                report.append(outcome(person_id, None, "refused", "No such person"))
                continue
            if action == "invite":
                verdict = invite_verdict(standing)
            else:
                verdict = remind_verdict(standing, now=at)
            if verdict is not None:
                result, why = verdict
                (refused if result == "refused" else done).append(str(person_id))
                report.append(outcome(person_id, person, result, why))
                continue
            if action == "invite":
                await invite_in(uow, person, settings=settings, at=at, actor=actor)
            else:
                code = await store.current_code(uow.conn, person_id)
                if record is None or code is None or code.used_at or code.expires_at <= at:
                    refused.append(str(person_id))
                    why = "The join code has expired: invite them again"
                    report.append(outcome(person_id, person, "refused", why))
                    continue
                record = record.reminded(at=at)
                await store.put(uow.conn, record)
                key = f"onboarding-reminder:{person_id}:{record.reminders_sent}"
                _request_mail(uow, person, settings, code.code, key)
                await record_activity(
                    uow, person_id, "onboarding_reminded", {"n": record.reminders_sent}, at=at
                )
                await audit(
                    uow.conn,
                    actor,
                    "onboarding.reminded",
                    target_type="person",
                    target_id=str(person_id),
                )
            report.append(outcome(person_id, person, "changed", ""))
            done.append(str(person_id))
        await uow.commit()
    return {"decided": done, "refused": refused, "report": report}
