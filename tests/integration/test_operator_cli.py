"""The operator's `digituki` command: staff users and demo data, as a real subprocess."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from contacts.topics import service as topics
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

DIGITUKI = [sys.executable, "-c", "from shared.cli import main; main()"]
CWD = Path(__file__).resolve().parents[2]


async def digituki(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *DIGITUKI,
        *args,
        cwd=CWD,
        env=dict(os.environ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=180)
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_users_are_invited_listed_and_deactivated_from_the_command_line(
    clean_db: dict[str, AsyncEngine],
) -> None:
    status, out = await digituki("users", "invite", "Operaattori@Digituki.fi", "--role", "admin")
    assert status == 0, out
    status, out = await digituki("users", "list")
    assert status == 0 and "operaattori@digituki.fi" in out and "admin" in out
    # The only admin cannot be deactivated: the installation would be locked out.
    status, out = await digituki("users", "deactivate", "operaattori@digituki.fi")
    assert status == 2 and "At least one active admin must remain" in out
    status, out = await digituki("users", "invite", "toinen@digituki.fi", "--role", "editor")
    assert status == 0, out
    status, out = await digituki("users", "deactivate", "toinen@digituki.fi")
    assert status == 0 and "deactivated" in out
    status, out = await digituki("users", "set-role", "nobody@digituki.fi", "viewer")
    assert status == 2 and "no staff user" in out
    async with clean_db["contacts"].connect() as conn:
        actors = (
            (
                await conn.execute(
                    text("SELECT DISTINCT actor_id FROM audit_log WHERE actor_id = 'cli'")
                )
            )
            .scalars()
            .all()
        )
    assert actors == ["cli"]


async def test_demo_data_builds_a_network_through_the_use_cases_once(
    clean_db: dict[str, AsyncEngine],
) -> None:
    for key in ("webinars", "digital_security", "trainings"):
        await topics.create_topic(
            SqlContactsUnitOfWork(clean_db["contacts"]), actor=None, key=key, name_fi=key
        )
    status, out = await digituki("demo-data", "--people", "40")
    assert status == 0, out
    assert "Demo network: 48 organisations, 40 people" in out
    async with clean_db["contacts"].connect() as conn:
        people = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM people WHERE email LIKE '%@demo.digituki.example'"
                    " AND subscription_state = 'subscribed'"
                )
            )
        ).scalar_one()
        consents = (
            await conn.execute(
                text("SELECT count(DISTINCT person_id) FROM consent_log WHERE method = 'import'")
            )
        ).scalar_one()
        snapshots = (
            await conn.execute(
                text("SELECT count(*) FROM outbox WHERE topic LIKE '%contacts.contact.v1'")
            )
        ).scalar_one()
        mails = (
            await conn.execute(
                text("SELECT count(*) FROM outbox WHERE topic LIKE '%mail.requested.v1'")
            )
        ).scalar_one()
        invited = (
            await conn.execute(text("SELECT count(*) FROM onboarding WHERE state = 'invited'"))
        ).scalar_one()
    assert people == 40
    assert consents == 40
    assert snapshots >= 40
    # Approved members are invited to the group as usual, but no mail is requested.
    assert invited > 0 and mails == 0
    assert "No mail was sent or requested" in out
    again, out = await digituki("demo-data")
    assert again == 2 and "Demo data exists already" in out
