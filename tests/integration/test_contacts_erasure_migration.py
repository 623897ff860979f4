"""Migration 0013 removes the personal data earlier versions kept out of an erasure's reach."""

from __future__ import annotations

import asyncio
import json
import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.entrypoints import migrate
from tests.conftest import migrations_dir
from tests.support.databases import empty_database
from tests.support.infra import Infra


async def test_old_search_texts_merged_addresses_and_untraceable_files_go(infra: Infra) -> None:
    root = infra.database_urls["contacts"].rsplit("/", 1)[0]
    async with empty_database(root, "erasure_migr") as url:
        await _old_personal_data_goes(url)


async def _old_personal_data_goes(url: str) -> None:
    engine = create_async_engine(url)
    try:
        await asyncio.to_thread(
            migrate, migrations_dir("contacts"), url, target="0012_import_uploads"
        )
        file = b"email\naino@example.fi\n"
        selection = {"selection": {"filters": {"text": "aino@example.fi", "tag": "x"}}}
        async with engine.begin() as conn:
            for kind, state in (("erase", "done"), ("export", "done"), ("import", "failed")):
                await conn.execute(
                    text(
                        "INSERT INTO jobs (id, kind, parameters, state, input, result)"
                        " VALUES (:i, :k, CAST(:p AS jsonb), :s, :input, :result)"
                    ),
                    {
                        "i": uuid.uuid4(),
                        "k": kind,
                        "p": json.dumps(selection),
                        "s": state,
                        # an import's uploaded file, an export's file (before 0013 an
                        # export job dropped its items, so nothing says who is in it)
                        "input": file if kind == "import" else None,
                        "result": file if kind == "export" else None,
                    },
                )
            for action, details in (
                ("people.bulk_erase", selection),
                ("person.merged", {"merged_id": "m", "merged_email": "old@example.fi"}),
            ):
                await conn.execute(
                    text(
                        "INSERT INTO audit_log (service, action, target_type, target_id, details)"
                        " VALUES ('contacts', :a, 'job', 't', CAST(:d AS jsonb))"
                    ),
                    {"a": action, "d": json.dumps(details)},
                )
        await asyncio.to_thread(migrate, migrations_dir("contacts"), url)
        async with engine.connect() as conn:
            jobs = (await conn.execute(text("SELECT * FROM jobs"))).mappings().all()
            audit = (await conn.execute(text("SELECT details FROM audit_log"))).scalars().all()
        everything = json.dumps(
            [
                dict(j)
                | {
                    "input": j["input"] and j["input"].decode(),
                    "result": j["result"] and j["result"].decode(),
                }
                for j in jobs
            ],
            default=str,
        ) + json.dumps(audit)
        assert "aino@" not in everything and "old@" not in everything
        assert all(j["parameters"]["selection"]["filters"]["tag"] == "x" for j in jobs)
        assert {a.get("merged_id") for a in audit} >= {"m"}
    finally:
        await engine.dispose()
