"""Migration 0015 keeps every earlier membership step from the timeline: from, to, who, why."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.entrypoints import migrate
from tests.conftest import migrations_dir
from tests.support.databases import empty_database
from tests.support.infra import Infra

STAFF = "0b6e4f00-0000-4000-8000-000000000001"


async def test_earlier_membership_steps_become_transitions_with_who_decided(infra: Infra) -> None:
    root = infra.database_urls["contacts"].rsplit("/", 1)[0]
    async with empty_database(root, "transitions_migr") as url:
        await _steps_survive_the_migration(url)


async def _steps_survive_the_migration(url: str) -> None:
    engine = create_async_engine(url)
    person = uuid.UUID(int=42)
    start = datetime(2026, 5, 4, 10, tzinfo=UTC)
    try:
        await asyncio.to_thread(
            migrate, migrations_dir("contacts"), url, target="0013_no_search_text_kept"
        )
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO people (id, email, version) VALUES (:i, 'jasen@example.fi', 1)"),
                {"i": person},
            )
            steps = [
                ({"state": "pending"}, None),  # the sign-up's own step: no action, no staff
                ({"action": "approve", "state": "active", "reason": "ok"}, STAFF),
                ({"action": "pause", "state": "paused", "reason": "leave"}, STAFF),
            ]
            for n, (details, actor) in enumerate(steps):
                at = start + timedelta(days=n)
                await conn.execute(
                    text(
                        "INSERT INTO activity (person_id, kind, details, occurred_at)"
                        " VALUES (:p, 'membership_changed', CAST(:d AS jsonb), :at)"
                    ),
                    {"p": person, "d": json.dumps(details), "at": at},
                )
                if actor:
                    await conn.execute(
                        text(
                            "INSERT INTO audit_log (service, actor_id, action, target_type,"
                            " target_id, occurred_at) VALUES ('contacts', :a, :action,"
                            " 'person', :t, :at)"
                        ),
                        {
                            "a": actor,
                            "action": f"membership.{details['action']}",
                            "t": str(person),
                            "at": at + timedelta(milliseconds=3),
                        },
                    )
        await asyncio.to_thread(migrate, migrations_dir("contacts"), url)
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT action, from_state, to_state, reason, decided_by"
                        " FROM membership_transitions ORDER BY occurred_at"
                    )
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            ("apply", None, "pending", "", None),
            ("approve", "pending", "active", "ok", STAFF),
            ("pause", "active", "paused", "leave", STAFF),
        ]
    finally:
        await engine.dispose()
