"""`make backup` / `make restore` round trip and the replica rebuild command.

The scripts are run as `make` runs them, pointed at the test stack by the services' own
`<SERVICE>_DATABASE_URL` variables. The restore goes to other database names on the same
server (an empty installation), so the databases the workers use are never dropped.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import uuid
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from newsletter.campaigns.service import create_campaign
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import make_engine
from shared.web.staff import Staff
from tests.conftest import REPO
from tests.e2e.conftest import Workers
from tests.e2e.test_surveys_responding import one_link
from tests.support.databases import drop_database, split_url
from tests.support.infra import SERVICES, Infra
from tests.support.polling import eventually
from tests.support.surveys import answer_all, surveys_client

# Only surveys' database is emptied between tests (newsletter's worker may still be busy).
pytestmark = pytest.mark.empties("surveys")

BIN = REPO / "deploy" / "bin"


def restored_urls(urls: dict[str, str]) -> dict[str, str]:
    return {s: url.rsplit("/", 1)[0] + f"/{s}_restored_{os.getpid()}" for s, url in urls.items()}


def script_env(urls: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ) | (extra or {})
    for service, url in urls.items():
        env[f"{service.upper()}_DATABASE_URL"] = url
    return env


async def call(
    args: list[str], urls: dict[str, str], extra: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run a script or command as make would; (exit status, stdout, stderr)."""
    process = await asyncio.create_subprocess_exec(
        *args, env=script_env(urls, extra), stdout=PIPE, stderr=PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode(), err.decode()


async def run(args: list[str], urls: dict[str, str], extra: dict[str, str] | None = None) -> str:
    status, out, err = await call(args, urls, extra)
    assert status == 0, f"{args}: {out}\n{err}"
    return out


def kafka_outcome(script_output: str) -> dict[str, Any]:
    """The JSON line `shared.kafka_backup restore` printed among restore.sh's log lines."""
    lines = [line for line in script_output.splitlines() if line.startswith('{"action"')]
    assert len(lines) == 1, script_output
    outcome: dict[str, Any] = json.loads(lines[0])
    return outcome


async def scalar(url: str, sql: str, **params: Any) -> Any:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text(sql), params)).scalar()
    finally:
        await engine.dispose()


async def drop_databases(urls: dict[str, str]) -> None:
    for url in urls.values():
        await drop_database(*split_url(url))


@pytest.fixture
async def restored(migrated: dict[str, str]) -> AsyncIterator[dict[str, str]]:
    urls = restored_urls(migrated)
    yield urls
    await drop_databases(urls)


async def test_backup_then_restore_into_empty_databases_keeps_people_campaigns_and_responses(
    workers: Workers,
    infra: Infra,
    topics: str,
    contacts_api: httpx.AsyncClient,
    clean_db: dict[str, AsyncEngine],
    migrated: dict[str, str],
    restored: dict[str, str],
    tmp_path: Path,
) -> None:
    tag = uuid.uuid4().hex[:8]
    emails = [f"varmuus-{tag}-{i}@kirjasto.example" for i in range(3)]
    ids = []
    for email in emails:
        created = await contacts_api.post("/api/contacts/people", json={"email": email})
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])

    async def unpublished() -> int:
        # The relay publishes after the commit (and deletes the row): back up only once the
        # snapshots have left contacts, or the Kafka dump would race it.
        async with clean_db["contacts"].connect() as conn:
            query = text("SELECT count(*) FROM outbox WHERE key = ANY(:ids)")
            return (await conn.execute(query, {"ids": ids})).scalar_one()

    await eventually(unpublished, lambda n: n == 0, timeout=60, what="snapshots published")
    async with SqlUnitOfWork(clean_db["newsletter"], b"") as uow:
        campaign_id = await create_campaign(
            uow,
            staff=Staff(id="e1", role="editor"),
            name=f"Varmuuskopio {tag}",
            content={"fi": {"subject": "Hei", "blocks": [{"type": "text", "text": "x"}]}},
            default_language="fi",
            topics=[],
            topical=False,
            tracking=False,
            audience={"all": []},
        )
    async with surveys_client() as surveys_api:
        survey_campaign, token = await one_link(surveys_api, infra, topics, clean_db["surveys"])
        assert (await answer_all(surveys_api, token)).status_code == 303

    backup = tmp_path / "backup"
    await run([str(BIN / "backup.sh"), str(backup)], migrated)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert [d["service"] for d in manifest["databases"]] == list(SERVICES)
    assert all((backup / d["file"]).stat().st_size == d["bytes"] for d in manifest["databases"])

    # The compacted topics went along: the new people's snapshots are in kafka.jsonl.
    kafka = manifest["kafka"]
    assert (backup / kafka["file"]).stat().st_size == kafka["bytes"]
    dumped = [json.loads(line) for line in (backup / kafka["file"]).read_text().splitlines()]
    assert kafka["records"]["contacts.contact.v1"] == sum(
        1 for r in dumped if r["topic"] == "contacts.contact.v1"
    )
    snapshots = [base64.b64decode(r["value"]) for r in dumped if r["value"]]
    assert all(any(e.encode() in v for v in snapshots) for e in emails)

    # "An empty Kafka": topics under a prefix nobody has used yet.
    empty_kafka = {"KAFKA_TOPIC_PREFIX": f"restored-{tag}-"}
    first = await run([str(BIN / "restore.sh"), str(backup), "--yes"], restored, empty_kafka)
    assert kafka_outcome(first) == {"action": "restore", "records": kafka["records"]}, first
    # A second restore over changed data: the databases are dropped, not merged into.
    await scalar(restored["contacts"], "SELECT 1")
    engine = make_engine(restored["contacts"], pool_size=1)
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE people CASCADE"))
    await engine.dispose()
    second = await run([str(BIN / "restore.sh"), str(backup), "--yes"], restored, empty_kafka)
    assert "skipped" in kafka_outcome(second), second

    # The topics hold the dumped records once (the second restore left them alone), in order.
    again = tmp_path / "again.jsonl"
    await run([sys.executable, "-m", "shared.kafka_backup", "dump", str(again)], {}, empty_kafka)

    def without_offsets(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Partitions interleave in any order; within one the order must be the same.
        ordered = sorted(records, key=lambda r: (r["topic"], r["partition"]))
        return [{k: v for k, v in r.items() if k != "offset"} for r in ordered]

    redumped = [json.loads(line) for line in again.read_text().splitlines()]
    assert without_offsets(redumped) == without_offsets(dumped)

    people = await scalar(
        restored["contacts"],
        "SELECT count(*) FROM people WHERE email LIKE :pattern",
        pattern=f"varmuus-{tag}-%",
    )
    assert people == len(emails)
    name = await scalar(
        restored["newsletter"], "SELECT name FROM campaigns WHERE id = :id", id=campaign_id
    )
    assert name == f"Varmuuskopio {tag}"
    responses = await scalar(
        restored["surveys"],
        "SELECT count(*) FROM responses WHERE campaign_id = :id",
        id=uuid.UUID(survey_campaign),
    )
    assert responses == 1
    for service in SERVICES:
        version = "SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version"
        assert await scalar(restored[service], version) == await scalar(migrated[service], version)


async def test_restore_refuses_a_dump_that_does_not_match_its_manifest(
    migrated: dict[str, str], restored: dict[str, str], tmp_path: Path
) -> None:
    backup = tmp_path / "backup"
    await run([str(BIN / "backup.sh"), str(backup)], migrated)
    with (backup / "surveys.dump").open("ab") as dump:
        dump.write(b"tampered")
    status, _, err = await call([str(BIN / "restore.sh"), str(backup), "--yes"], restored)
    assert status != 0
    assert "sha256" in err
    exists = await scalar(
        migrated["contacts"].rsplit("/", 1)[0] + "/postgres",
        "SELECT count(*) FROM pg_database WHERE datname = :name",
        name=restored["contacts"].rsplit("/", 1)[1],
    )
    assert exists == 0  # nothing was dropped or created


@pytest.mark.parametrize("service", ["newsletter", "surveys"])
async def test_rebuild_replica_command_refills_a_truncated_replica_from_the_topic(
    service: str,
    workers: Workers,
    contacts_api: httpx.AsyncClient,
    engines: dict[str, AsyncEngine],
) -> None:
    email = f"replika-{uuid.uuid4().hex[:8]}@kirjasto.example"
    created = await contacts_api.post("/api/contacts/people", json={"email": email})
    assert created.status_code == 201, created.text
    count = "SELECT count(*) FROM contact_snapshot WHERE email = :email"

    async def held() -> Any:
        async with engines[service].connect() as conn:
            return (await conn.execute(text(count), {"email": email})).scalar()

    await eventually(held, lambda n: n == 1, what=f"{email} in {service}'s replica")
    async with engines[service].begin() as conn:
        total = (await conn.execute(text("SELECT count(*) FROM contact_snapshot"))).scalar_one()
        await conn.execute(text("TRUNCATE contact_snapshot"))
    assert await held() == 0

    out = await run([sys.executable, "-m", f"{service}.main", "rebuild-replica"], {})
    assert "rebuilt" in out
    assert await held() == 1
    async with engines[service].connect() as conn:
        again = (await conn.execute(text("SELECT count(*) FROM contact_snapshot"))).scalar_one()
    assert again >= total
