"""Storing and loading people."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.enquiries import repository as enquiries
from contacts.errors import Conflict
from contacts.imports.repository import rejected as rejected_rows
from contacts.imports.repository.rejected import full_name
from contacts.people.domain.person import Person, parse_email_status, parse_language
from contacts.tables import job_items, jobs, outbox, people, visit_requests

EXPORT_WITHDRAWN = "The file was withdrawn: a person in it has been erased."
_STATES = {"pending": "pending", "subscribed": "subscribed", "unsubscribed": "unsubscribed"}


def _to_person(row: object) -> Person:
    r = row._mapping  # type: ignore[attr-defined]
    return Person(
        id=r["id"],
        email=r["email"],
        first_name=r["first_name"],
        last_name=r["last_name"],
        language=parse_language(r["language"]),
        version=r["version"],
        created_at=r["created_at"],
        phone=r["phone"],
        title=r["title"],
        municipality=r["municipality"],
        topics=tuple(r["topics"] or ()),
        subscription_state=_STATES[r["subscription_state"]],  # type: ignore[arg-type]
        confirmed_at=r["confirmed_at"],
        newsletter_consent=r["newsletter_consent"],
        survey_consent=r["survey_consent"],
        email_status=parse_email_status(r["email_status"]),
        tags=tuple(r["tags"] or ()),
        last_engaged_on=r["last_engaged_on"],
        weak_areas=tuple(r["weak_areas"] or ()),
    )


def _values(person: Person) -> dict[str, Any]:
    return {
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "language": person.language,
        "version": person.version,
        "phone": person.phone,
        "title": person.title,
        "municipality": person.municipality,
        "topics": list(person.topics),
        "subscription_state": person.subscription_state,
        "confirmed_at": person.confirmed_at,
        "newsletter_consent": person.newsletter_consent,
        "survey_consent": person.survey_consent,
        "email_status": person.email_status,
        "tags": list(person.tags),
        "last_engaged_on": person.last_engaged_on,
        "weak_areas": list(person.weak_areas),
    }


async def add(conn: AsyncConnection, person: Person) -> None:
    try:
        async with conn.begin_nested():
            await conn.execute(
                insert(people).values(id=person.id, created_at=person.created_at, **_values(person))
            )
    except IntegrityError as exc:
        raise Conflict("A person with this email address already exists.", field="email") from exc


async def get(
    conn: AsyncConnection, person_id: uuid.UUID, *, for_update: bool = False
) -> Person | None:
    stmt = select(people).where(people.c.id == person_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return _to_person(row) if row else None


async def find_by_email(
    conn: AsyncConnection, email: str, *, for_update: bool = False
) -> Person | None:
    stmt = select(people).where(func.lower(people.c.email) == email.lower())
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return _to_person(row) if row else None


async def save(conn: AsyncConnection, person: Person) -> None:
    try:
        async with conn.begin_nested():
            await conn.execute(
                update(people)
                .where(people.c.id == person.id)
                .values(updated_at=func.now(), **_values(person))
            )
    except IntegrityError as exc:
        raise Conflict("A person with this email address already exists.", field="email") from exc


async def remove(conn: AsyncConnection, person_id: uuid.UUID) -> None:
    """The row goes (what hangs on it cascades), and so does every copy of the person's data
    that does not hang on it: every erasure path (API, pages, bulk, retention, merge) comes
    through here. The tests/integration/test_contacts_erasure_sweep.py sweep checks them all."""
    found = (
        await conn.execute(
            select(people.c.email, people.c.first_name, people.c.last_name, people.c.phone).where(
                people.c.id == person_id
            )
        )
    ).first()
    email = found.email if found else None
    # Unsent events about the person (snapshots, timeline events, mail requests): the
    # tombstone that follows replaces them for every replica, and no mail goes out.
    await conn.execute(
        delete(outbox).where(
            outbox.c.key == str(person_id),
            outbox.c.payload.is_not(None),
            func.length(outbox.c.payload) > 0,
        )
    )
    # A visit request stays the organisation's; its contact person is forgotten.
    named = visit_requests.c.person_id == person_id
    if email:
        named = or_(named, func.lower(visit_requests.c.email) == email.lower())
    await conn.execute(
        update(visit_requests).where(named).values(contact_name="", email="", phone=None)
    )
    if found is not None:
        await _forget_in_member_lists(conn, found.email, f"{found.first_name} {found.last_name}")
        # Rows an import rejected that name the person (their address, phone or full name).
        await rejected_rows.forget(
            conn,
            [found.email.lower(), found.phone or "", full_name(found.first_name, found.last_name)],
        )
        # What they wrote on the contact form, and the replies to it, go too.
        await enquiries.forget_address(conn, found.email)
    # An export file holding the person is withdrawn (its job keeps the ids it exported).
    await conn.execute(
        update(jobs)
        .where(
            jobs.c.kind == "export",
            jobs.c.result.is_not(None),
            # per export job, a look-up in job_items' primary key (job_id, person_id)
            select(job_items.c.job_id)
            .where(job_items.c.job_id == jobs.c.id, job_items.c.person_id == person_id)
            .exists(),
        )
        .values(result=None, error=EXPORT_WITHDRAWN)
    )
    await conn.execute(delete(people).where(people.c.id == person_id))


async def _forget_in_member_lists(conn: AsyncConnection, email: str, name: str) -> None:
    """Rows of imported Facebook member lists that matched no one (or several) may be this
    person: a row with their address or full name leaves the list (the counts stay)."""
    forget = text(
        """
        UPDATE group_member_imports SET unknown = (
            SELECT coalesce(jsonb_agg(row_ ORDER BY n), '[]'::jsonb)
            FROM jsonb_array_elements(unknown) WITH ORDINALITY AS r(row_, n)
            WHERE NOT (lower(coalesce(row_->>'email', '')) = :email
                OR (:name <> '' AND lower(btrim(coalesce(row_->>'name', ''))) = :name)))
        WHERE EXISTS (
            SELECT 1 FROM jsonb_array_elements(unknown) AS e(row_)
            WHERE lower(coalesce(row_->>'email', '')) = :email
                OR (:name <> '' AND lower(btrim(coalesce(row_->>'name', ''))) = :name))
        """
    )
    await conn.execute(forget, {"email": email.lower(), "name": name.strip().lower()})


async def with_topic(conn: AsyncConnection, key: str) -> list[uuid.UUID]:
    stmt = select(people.c.id).where(people.c.topics.any_() == key)
    return list((await conn.execute(stmt)).scalars())
