"""The onboarding lists and their bulk actions: invite, remind or mark as gone the people
staff selected, each one reported as done, skipped or refused and why (the `report` shape of
`decide`). Both take contacts' unit of work (`uow.onboarding`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from contacts.audit.domain import Actor
from contacts.onboarding.domain.lists import (
    BulkAction,
    ListState,
    invite_verdict,
    pages_of,
    remind_verdict,
)
from contacts.onboarding.repository.lists import ListFilters
from contacts.onboarding.service import group_members
from contacts.onboarding.service.onboarding import (
    OnboardingSettings,
    invite_in,
    outcome,
    remind_in,
)
from contacts.unit_of_work import ContactsUnitOfWork

MAX_SELECTED = 200


async def people_list(
    uow: ContactsUnitOfWork,
    state: ListState,
    filters: ListFilters,
    *,
    lang: str,
    page: int,
    per_page: int,
) -> dict[str, Any]:
    """One page of the people in `state`, and every state's capped count under the filters."""
    async with uow:
        counts = await uow.onboarding.counts(filters)
        pages = pages_of(counts[state], per_page)
        page = min(page, pages)
        rows = await uow.onboarding.people_in(
            state, filters, lang=lang, offset=(page - 1) * per_page, limit=per_page
        )
    return {"rows": rows, "counts": counts, "page": page, "pages": pages}


async def bulk(
    uow: ContactsUnitOfWork,
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
        return await group_members.mark_left(uow, ids, actor=actor, at=at)
    done: list[str] = []
    refused: list[str] = []
    report: list[dict[str, Any]] = []
    async with uow:
        for person_id in ids:
            person = await uow.people.get(person_id, for_update=True)
            record = await uow.onboarding.get(person_id, for_update=True)
            standing = (await uow.onboarding.standings([person_id], at=at)).get(person_id)
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
                code = await uow.onboarding.current_code(person_id)
                if record is None or code is None or code.used_at or code.expires_at <= at:
                    refused.append(str(person_id))
                    why = "The join code has expired: invite them again"
                    report.append(outcome(person_id, person, "refused", why))
                    continue
                await remind_in(uow, person, record, code, settings=settings, at=at)
                await uow.audit.record(
                    actor,
                    "onboarding.reminded",
                    target_type="person",
                    target_id=str(person_id),
                )
            report.append(outcome(person_id, person, "changed", ""))
            done.append(str(person_id))
        await uow.commit()
    return {"decided": done, "refused": refused, "report": report}
