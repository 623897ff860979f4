"""Contacts' retention: expired unconfirmed signups and the pending people only they created go;
everything on the other side of each cut-off stays; the dry run lists exactly what the real run
removes; inactive people are only listed."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from contacts.retention.service import run_retention
from contacts.settings import ContactsSettings
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.test_contacts_signup_pages import one

EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor"}
# The CLI runs at the real time: seed around it (the margins below are hours, not seconds).
NOW = datetime.now(UTC)


async def person(engine: AsyncEngine, name: str, **columns: Any) -> uuid.UUID:
    pid = uuid.uuid4()
    values = {"id": pid, "email": f"{name}@retention.example", "version": 1, **columns}
    names = ", ".join(values)
    async with engine.begin() as conn:
        await conn.execute(
            text(f"INSERT INTO people ({names}) VALUES ({', '.join(':' + n for n in values)})"),
            values,
        )
    return pid


async def signup(
    engine: AsyncEngine, person_id: uuid.UUID, days_ago: float, confirmed: bool = False
) -> uuid.UUID:
    sid = uuid.uuid4()
    at = NOW - timedelta(days=days_ago)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO signups (id, person_id, wording_version, created_at, confirmed_at) "
                "VALUES (:id, :p, 'consent-v1', :at, :c)"
            ),
            {"id": sid, "p": person_id, "at": at, "c": at if confirmed else None},
        )
    return sid


async def seed(engine: AsyncEngine) -> dict[str, uuid.UUID]:
    """Rows on both sides of the 30-day cut-off and of 'nothing else refers to the person'."""
    ids: dict[str, uuid.UUID] = {}
    ids["lone"] = await person(engine, "lone")
    ids["lone_signup"] = await signup(engine, ids["lone"], 31)
    ids["retry"] = await person(engine, "retry")  # an old signup and a fresh one
    ids["retry_old"] = await signup(engine, ids["retry"], 45)
    ids["retry_new"] = await signup(engine, ids["retry"], 2)
    ids["member"] = await person(
        engine, "member", subscription_state="subscribed", confirmed_at=NOW
    )
    ids["member_signup"] = await signup(engine, ids["member"], 40)
    ids["fresh"] = await person(engine, "fresh")
    ids["fresh_signup"] = await signup(engine, ids["fresh"], 29.9)
    ids["noted"] = await person(engine, "noted")
    ids["noted_signup"] = await signup(engine, ids["noted"], 60)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO notes (id, person_id, text, author, created_at) "
                "VALUES (:id, :p, 'called', 'staff', now())"
            ),
            {"id": uuid.uuid4(), "p": ids["noted"]},
        )
    ids["done"] = await person(engine, "done", subscription_state="subscribed", confirmed_at=NOW)
    ids["done_signup"] = await signup(engine, ids["done"], 90, confirmed=True)
    return ids


async def ids_of(engine: AsyncEngine, table: str) -> set[uuid.UUID]:
    async with engine.connect() as conn:
        return set((await conn.execute(text(f"SELECT id FROM {table}"))).scalars())


async def test_the_real_run_removes_exactly_what_the_dry_run_listed(
    engine: AsyncEngine, settings: ContactsSettings
) -> None:
    ids = await seed(engine)
    dry = await run_retention(SqlContactsUnitOfWork(engine), settings, dry_run=True, now=NOW)
    expired = {ids[k] for k in ("lone_signup", "retry_old", "member_signup", "noted_signup")}
    assert set(dry.signup_ids) == expired
    assert dry.person_ids == [ids["lone"]]
    assert await ids_of(engine, "signups") >= expired  # the dry run changed nothing

    real = await run_retention(SqlContactsUnitOfWork(engine), settings, dry_run=False, now=NOW)
    assert (real.signup_ids, real.person_ids) == (dry.signup_ids, dry.person_ids)
    assert await ids_of(engine, "signups") == {
        ids["retry_new"],
        ids["fresh_signup"],
        ids["done_signup"],
    }
    remaining = await ids_of(engine, "people")
    assert ids["lone"] not in remaining
    assert {ids[k] for k in ("retry", "member", "fresh", "noted", "done")} <= remaining
    tombstone = await one(
        engine,
        "SELECT key FROM outbox WHERE topic = 'contacts.contact.v1' AND payload IS NULL",
    )
    assert tombstone is not None and tombstone["key"] == str(ids["lone"])
    audit = await one(engine, "SELECT * FROM audit_log WHERE action = 'retention.run'")
    assert audit is not None and audit["actor_id"] == "system:retention"
    assert audit["details"]["unconfirmed_signups"] == 4
    assert audit["details"]["pending_people"] == 1
    assert "retention.example" not in str(audit["details"])  # counts, no personal data

    again = await run_retention(SqlContactsUnitOfWork(engine), settings, dry_run=True, now=NOW)
    assert (again.signup_ids, again.person_ids) == ([], [])


async def test_the_cli_dry_run_lists_and_keeps(
    engine: AsyncEngine, settings: ContactsSettings
) -> None:
    ids = await seed(engine)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "contacts.main",
        "retention",
        "--dry-run",
        env={**os.environ, "CONTACTS_DATABASE_URL": settings.database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, out.decode()
    assert f"person {ids['lone']}" in out.decode()
    assert "'unconfirmed_signups': 4" in out.decode()
    assert ids["lone_signup"] in await ids_of(engine, "signups")


async def test_inactive_people_are_listed_for_staff_not_deleted(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=4 * 365)
    await person(engine, "sleeper", subscription_state="subscribed", confirmed_at=long_ago)
    await person(
        engine,
        "reader",
        subscription_state="subscribed",
        confirmed_at=long_ago,
        last_engaged_on=datetime.now(UTC).date(),
    )
    await person(
        engine, "newcomer", subscription_state="subscribed", confirmed_at=datetime.now(UTC)
    )
    page = await client.get("/staff/retention", headers=EDITOR)
    assert page.status_code == 200
    assert "sleeper@retention.example" in page.text
    assert "reader@retention.example" not in page.text
    assert "newcomer@retention.example" not in page.text
    assert len(await ids_of(engine, "people")) == 3
