"""Erasure is complete and accountable, swept over every path and every column of contacts.

One person per erasure path (the JSON API, the person page, the preference centre, the bulk
action, retention), each spread over as many places as the product puts a person: the signup and
its consent, a phone number, a visit request, an answered enquiry, a tag, an export file and a
bulk job found by their address, and a row about them that an import rejected. After the
erasures, every text, jsonb, text[] and bytea column of every table in
`contacts.tables.metadata` is searched for each person's address, names and phone: nothing may
remain (docs/privacy.md lists what an erasure keeps: the person's id in the audit log and the
tombstone). Each path must have written one `person.erased` audit entry naming who erased.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from contacts.app import create_app
from contacts.audit.domain import Actor
from contacts.imports.service import jobs as import_jobs
from contacts.jobs.service import jobs
from contacts.retention.service import run_retention
from contacts.settings import ContactsSettings
from contacts.tables import metadata
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import ARRAY, LargeBinary, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.tokens import sign
from tests.integration import test_contacts_signup_pages as signup_pages
from tests.integration.test_enquiries import FORM as ENQUIRY_FORM
from tests.integration.test_visit_requests import FORM as VISIT_FORM
from tests.support.units import units

CSRF = {"X-Staff-Csrf": "right", "X-CSRF-Token": "right"}
EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor", **CSRF}
VIEWER = {"X-Staff-Id": "staff-v", "X-Staff-Role": "viewer", **CSRF}
PATHS = ("api", "person page", "preference centre", "bulk action", "retention")


@dataclass(frozen=True)
class Traces:
    """What identifies one person, as stored."""

    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    phone: str | None
    earlier_email: str = ""  # a duplicate record merged into this one

    def needles(self) -> list[str]:
        found = [self.email, self.first_name, self.last_name]
        found += [self.earlier_email] if self.earlier_email else []
        return found + ([self.phone] if self.phone else [])


@pytest.fixture
async def client(
    engine: AsyncEngine, settings: ContactsSettings
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="https://digituki.test",
            headers={"X-Real-IP": "198.51.100.9"},
        ) as c,
    ):
        yield c


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(text(sql), params)).mappings()]


async def spread_person(
    client: httpx.AsyncClient, engine: AsyncEngine, n: int, *, confirm: bool = True
) -> Traces:
    """A person in every place the product puts one (names unusual enough to search for)."""
    email = f"erasable{n}.person@sweep.example"
    first, last = f"Quirinus{n}x", f"Zebulonsson{n}x"
    form = signup_pages.answers(email, first_name=first, last_name=last)
    ip = {"X-Real-IP": f"198.51.100.{n + 10}"}
    assert (await client.post("/join", data=form, headers=ip)).status_code in (200, 303)
    if confirm:
        mail = [m for m in await signup_pages.mail_requests(engine) if email in str(m["data"])]
        confirmed = await client.post(
            signup_pages.path_of(mail[-1]["data"]["variables"]["confirm_url"])
        )
        assert confirmed.status_code in (200, 303)
    [person] = await rows(engine, "SELECT * FROM people WHERE email = :e", e=email)
    if confirm:
        patched = await client.patch(
            f"/api/contacts/people/{person['id']}",
            json={"phone": f"040 555 01{n:02d}"},
            headers=EDITOR,
        )
        assert patched.status_code == 200, patched.text
        tagged = await client.post(
            f"/staff/people/{person['id']}/tags",
            data={"name": "sweep", "csrf_token": "right"},
            headers=EDITOR,
        )
        assert tagged.status_code == 303
        visit = {**VISIT_FORM, "email": email, "contact_name": f"{first} {last}"}
        visit["phone"] = f"040 555 01{n:02d}"
        sent = await client.post("/visit", data=visit, headers=ip)
        assert sent.status_code in (200, 303), sent.text
        # A message on the front page's contact form, answered by mail.
        enquiry = {**ENQUIRY_FORM, "email": email.upper(), "name": f"{first} {last}"}
        assert (await client.post("/contact", data=enquiry, headers=ip)).status_code == 200
        [asked] = await rows(engine, "SELECT id FROM enquiries WHERE email = :e", e=email)
        answered = await client.post(
            f"/staff/enquiries/{asked['id']}/reply",
            data={"reply": f"Hei {first}", "csrf_token": "right"},
            headers=EDITOR,
        )
        assert answered.status_code == 303, answered.text
        # An export found by the person's address: the file and the job hold them.
        export = await jobs.start_bulk(
            SqlContactsUnitOfWork(engine),
            kind="export",
            selection=jobs.Selection({"text": email}),
            actor=Actor(id="staff-e", role="editor"),
            fmt="csv",
        )
        assert await jobs.run_next(units(engine), jobs.JobSettings()) is not None
        assert (await jobs.job_result(SqlContactsUnitOfWork(engine), export))[1]
        # An import that rejected a row about them: the row is kept for staff to fix.
        sheet = "Sähköposti;Etunimi;Sukunimi;Puhelin;Kunta\n"
        sheet += f"{email};{first};{last};040 555 01{n:02d};Atlantis\n"
        await import_jobs.start_import(
            SqlContactsUnitOfWork(engine),
            data=sheet.encode(),
            filename="sweep.csv",
            mapping={"Sähköposti": "email", "Etunimi": "first_name", "Sukunimi": "last_name"}
            | {"Puhelin": "phone", "Kunta": "municipality"},
            basis="",
            subscribe=False,
            actor=Actor(id="staff-e", role="editor"),
        )
        assert await jobs.run_next(units(engine), jobs.JobSettings()) is not None
        kept = await rows(engine, "SELECT cells FROM import_rejected_rows")
        assert any(email in r["cells"] for r in kept)
    # A Facebook member list row that matched several people (e.g. by a shared name).
    async with engine.begin() as conn:
        listed = [
            {"name": f"{first} {last}", "email": "", "reason": "ambiguous"},
            {"name": "Someone Else", "email": f"other{n}@sweep.example", "reason": "unknown"},
        ]
        await conn.execute(
            text(
                "INSERT INTO group_member_imports (id, imported_at, matched, unknown)"
                " VALUES (:i, now(), 0, CAST(:u AS jsonb))"
            ),
            {"i": uuid.uuid4(), "u": json.dumps(listed)},
        )
    [person] = await rows(engine, "SELECT * FROM people WHERE email = :e", e=email)
    return Traces(person["id"], email, first, last, person["phone"])


async def erase(
    path: str,
    who: Traces,
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    settings: ContactsSettings,
) -> None:
    if path == "api":
        gone = await client.delete(f"/api/contacts/people/{who.id}", headers=EDITOR)
        assert gone.status_code == 204
    elif path == "person page":
        page = await client.get(f"/staff/people/{who.id}", headers=EDITOR)
        assert f'href="/staff/people/{who.id}/erase"' in page.text  # to the confirmation page
        assert f'href="/staff/people/{who.id}/export"' in page.text
        confirming = await client.get(f"/staff/people/{who.id}/erase", headers=EDITOR)
        assert f'action="/staff/people/{who.id}/erase"' in confirming.text
        export = await client.get(f"/staff/people/{who.id}/export", headers=VIEWER)
        assert export.status_code == 200 and export.json()["person"]["email"] == who.email
        assert "attachment" in export.headers["content-disposition"]
        viewer_page = await client.get(f"/staff/people/{who.id}", headers=VIEWER)
        assert f'href="/staff/people/{who.id}/erase"' not in viewer_page.text
        url = f"/staff/people/{who.id}/erase"
        by_viewer = await client.post(
            url, data={"confirmation": who.email, "csrf_token": "right"}, headers=VIEWER
        )
        assert by_viewer.status_code == 403
        mistyped = await client.post(
            url,
            data={"confirmation": "someone@else.example", "csrf_token": "right"},
            headers=EDITOR,
        )
        assert mistyped.status_code == 422 and 'href="#confirmation"' in mistyped.text
        assert await rows(engine, "SELECT id FROM people WHERE id = :i", i=who.id)
        erased = await client.post(
            url, data={"confirmation": who.email.upper(), "csrf_token": "right"}, headers=EDITOR
        )
        assert erased.status_code == 303
    elif path == "preference centre":
        token = sign(settings.token_keys(), "preferences", {"c": str(who.id)})
        erased = await client.post(
            f"/preferences/{token}", data={"action": "erase", "erase_confirm": "yes"}
        )
        assert erased.status_code == 200
    elif path == "bulk action":
        started = await client.post(
            "/staff/bulk",
            data={"action": "erase", "q": who.email, "confirmation": "1", "csrf_token": "right"},
            headers=EDITOR,
        )
        assert started.status_code == 303, started.text
        assert await jobs.run_next(units(engine), jobs.JobSettings()) is not None
    else:
        later = datetime.now(UTC) + timedelta(days=settings.retention_unconfirmed_signup_days + 1)
        report = await run_retention(
            SqlContactsUnitOfWork(engine), settings, dry_run=False, now=later
        )
        assert who.id in report.person_ids
    assert not await rows(engine, "SELECT id FROM people WHERE id = :i", i=who.id)


def searchable_columns() -> list[tuple[str, str, str]]:
    """(table, column, kind) for every column that can hold text, from the tables metadata."""
    found = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            kind = column.type
            if isinstance(kind, JSONB):
                found.append((table.name, column.name, "jsonb"))
            elif isinstance(kind, ARRAY):
                found.append((table.name, column.name, "array"))
            elif isinstance(kind, LargeBinary):
                found.append((table.name, column.name, "bytea"))
            elif isinstance(kind, Text):
                found.append((table.name, column.name, "text"))
    return found


async def remaining(engine: AsyncEngine, needle: str) -> list[str]:
    hits = []
    for table, column, kind in searchable_columns():
        if kind == "bytea":  # JSON payloads and CSV files; an XLSX would be zipped
            where = (
                f"(position(convert_to(:n, 'UTF8') in \"{column}\") > 0"
                f" OR position(convert_to(lower(:n), 'UTF8') in \"{column}\") > 0)"
            )
        else:
            where = f'strpos(lower("{column}"::text), lower(:n)) > 0'
        found = await rows(engine, f'SELECT count(*) AS n FROM "{table}" WHERE {where}', n=needle)
        if found[0]["n"]:
            hits.append(f"{table}.{column}")
    return hits


async def test_every_erasure_path_leaves_no_personal_data_and_an_accountable_audit_entry(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: ContactsSettings
) -> None:
    assert len(searchable_columns()) > 40  # the sweep really covers the schema
    people = {
        path: await spread_person(client, engine, n, confirm=path != "retention")
        for n, path in enumerate(PATHS)
    }
    bystander = await spread_person(client, engine, 99)
    # The API's person once had a duplicate record under another address, merged into them.
    kept = people["api"]
    duplicate = await client.post(
        "/api/contacts/people",
        json={"email": "earlier.address@sweep.example", "last_name": kept.last_name},
        headers=EDITOR,
    )
    assert duplicate.status_code == 201, duplicate.text
    merged = await client.post(
        "/api/contacts/merges",
        json={"keep_id": str(kept.id), "merge_id": duplicate.json()["id"]},
        headers=EDITOR,
    )
    assert merged.status_code == 200, merged.text
    people["api"] = Traces(**{**kept.__dict__, "earlier_email": "earlier.address@sweep.example"})
    for who in people.values():  # the sweep can find what it looks for
        assert "people.email" in await remaining(engine, who.email)

    for path, who in people.items():
        await erase(path, who, client, engine, settings)

    for path, who in people.items():
        for needle in who.needles():
            assert await remaining(engine, needle) == [], (path, needle)
        [entry] = await rows(
            engine,
            "SELECT actor_id, details FROM audit_log "
            "WHERE action = 'person.erased' AND target_id = :i",
            i=str(who.id),
        )
        expected = {
            "api": "staff-e",
            "person page": "staff-e",
            "preference centre": None,
            "bulk action": "staff-e",
            "retention": "system:retention",
        }[path]
        assert entry["actor_id"] == expected
        assert entry["details"]["path"] == path
        assert entry["details"]["erased_by"] == expected or (
            expected is None and entry["details"]["erased_by"] == "the person themselves"
        )
    # The bystander keeps everything: the cleanup touched only the erased.
    assert "people.email" in await remaining(engine, bystander.email)
    assert "visit_requests.email" in await remaining(engine, bystander.email)
    assert "group_member_imports.unknown" in await remaining(engine, bystander.last_name)
    others = await rows(engine, "SELECT unknown FROM group_member_imports")
    assert all(any(r["name"] == "Someone Else" for r in o["unknown"]) for o in others)
