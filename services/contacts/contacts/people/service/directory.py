"""Finding people (over contacts' own snapshot projection), timelines and the GDPR export,
on contacts' unit of work (`uow.directory` and the feature repositories it reads)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from contacts.audit.domain import Actor
from contacts.errors import NotFound
from contacts.notes.domain import Note
from contacts.people.repository.directory import PEOPLE_SORTS
from contacts.unit_of_work import ContactsUnitOfWork

__all__ = [
    "MAX_PAGE",
    "PEOPLE_SORTS",
    "export_person",
    "organisation_timeline",
    "records_of",
    "search_people",
    "timeline",
]

MAX_PAGE = 200


async def search_people(
    uow: ContactsUnitOfWork,
    *,
    text: str = "",
    organisation_type: str | None = None,
    region: str | None = None,
    municipality: str | None = None,
    membership_state: str | None = None,
    subscription_state: str | None = None,
    topic: str | None = None,
    organisation_id: uuid.UUID | None = None,
    tag: str | None = None,
    page: int = 1,
    per_page: int = 50,
    sort: str = "name",
    descending: bool = False,
    lang: str = "fi",
) -> tuple[list[dict[str, Any]], int]:
    """(snapshot rows of one page, total). Text matches names, address and organisation.

    Pages hold 1 to MAX_PAGE rows and start at 1. Names sort in the alphabet of `lang`
    (the page's language): see `shared.collation`.
    """
    per_page = max(1, min(per_page, MAX_PAGE))
    page = max(1, page)
    filters = {
        "text": text,
        "organisation_type": organisation_type,
        "region": region,
        "municipality": municipality,
        "membership_state": membership_state,
        "subscription_state": subscription_state,
        "topic": topic,
        "organisation_id": organisation_id,
        "tag": tag,
    }
    async with uow:
        return await uow.directory.search(
            filters,
            sort=sort,
            descending=descending,
            lang=lang,
            limit=per_page,
            offset=(page - 1) * per_page,
        )


def _note_item(note: Note) -> dict[str, Any]:
    return {
        "at": note.created_at,
        "kind": "note",
        "source": "staff",
        "details": {"id": str(note.id), "author": note.author, "text": note.text},
    }


async def timeline(uow: ContactsUnitOfWork, person_id: uuid.UUID) -> list[dict[str, Any]]:
    """Activity, membership steps (from, to, by whom, why), consent changes, staff notes and
    event registrations, newest first."""
    async with uow:
        if await uow.people.get(person_id) is None:
            raise NotFound("No such person.")
        items = [
            {
                "at": a["occurred_at"],
                "kind": a["kind"],
                "source": a["source"],
                "details": a["details"],
            }
            for a in await uow.directory.activity_of(person_id)
            if a["kind"] != "membership_changed"  # told in full by the steps below
        ]
        items += [
            {
                "at": step.at,
                "kind": "membership_changed",
                "source": "contacts" if step.by is None else "staff",
                "details": {
                    "action": step.action,
                    "from": step.from_state,
                    "state": step.to_state,
                    "reason": step.reason,
                    "by": step.by,
                },
            }
            for step in await uow.directory.transitions_of(person_id)
        ]
        items += [
            {
                "at": c["occurred_at"],
                "kind": "consent_given" if c["given"] else "consent_withdrawn",
                "source": "contacts",
                "details": {
                    "purpose": c["purpose"],
                    "method": c["method"],
                    "wording_version": c["wording_version"],
                },
            }
            for c in await uow.directory.consent_log_of(person_id)
        ]
        items += [_note_item(n) for n in await uow.notes.of_person(person_id)]
        items += await uow.directory.registrations_of(person_id)
    return sorted(items, key=lambda i: i["at"], reverse=True)


async def organisation_timeline(
    uow: ContactsUnitOfWork, organisation_id: uuid.UUID
) -> list[dict[str, Any]]:
    """Staff notes, visit requests (made, and each later move) and the event registrations of
    the organisation's people, newest first."""
    async with uow:
        items = [_note_item(n) for n in await uow.notes.of_organisation(organisation_id)]
        for v in await uow.visits.listed(organisation_id=organisation_id):
            summary = {"id": str(v.id), "text": f"{v.form.contact_name}, {v.form.wished_dates}"}
            items.append(
                {"at": v.created_at, "kind": "visit_requested", "source": "public",
                 "details": summary}
            )  # fmt: skip
            if v.state_changed_at is not None:
                items.append(
                    {"at": v.state_changed_at, "kind": f"visit_{v.state}", "source": "staff",
                     "details": {**summary, "author": v.state_changed_by or ""}}
                )  # fmt: skip
        items += await uow.directory.registrations_at(organisation_id)
    return sorted(items, key=lambda i: i["at"], reverse=True)


async def export_person(
    uow: ContactsUnitOfWork, person_id: uuid.UUID, *, actor: Actor
) -> dict[str, Any]:
    """Everything contacts holds about one person (GDPR art. 15), JSON-ready; the export is
    audited in the same transaction."""
    async with uow:
        held = await _held(uow, person_id)
        await uow.audit.record(
            actor, "person.exported", target_type="person", target_id=str(person_id)
        )
        await uow.commit()
    return held


async def records_of(uow: ContactsUnitOfWork, person_id: uuid.UUID) -> dict[str, Any]:
    """What `export_person` gives, for staff reading it on the person's page (not audited)."""
    async with uow:
        return await _held(uow, person_id)


async def _held(uow: ContactsUnitOfWork, person_id: uuid.UUID) -> dict[str, Any]:
    person = await uow.people.get(person_id)
    if person is None:
        raise NotFound("No such person.")
    membership = await uow.memberships.get(person_id)
    return {
        "person": asdict(person),
        "organisations": await uow.organisations.links_of(person_id),
        "membership": asdict(membership) if membership else None,
        "membership_history": [
            asdict(step) for step in await uow.directory.transitions_of(person_id)
        ],
        "consent_log": await uow.directory.consent_log_of(person_id),
        "signups": await uow.directory.signups_of(person_id),
        "activity": await uow.directory.activity_of(person_id, limit=100_000),
        "event_registrations": await uow.directory.registrations_of(person_id),
        "published_snapshot": await uow.directory.published_snapshot(person_id),
    }
