"""A bulk topic change on 10,000 people, run by the contacts worker's job runner, reaches the
newsletter and surveys replicas person by person (real Kafka, PostgreSQL and workers)."""

from __future__ import annotations

import uuid

from contacts.audit.domain import Actor
from contacts.jobs.service import jobs
from contacts.tables import topics
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.conftest import Workers
from tests.support.bulk import create_people
from tests.support.polling import eventually

PEOPLE = 10_000
TOPIC = "digiturva"
WITH_TOPIC = "SELECT count(*) FROM contact_snapshot WHERE :t = ANY(topics) AND NOT erased"


async def count(engine: AsyncEngine, sql: str, **params: object) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text(sql), params)).scalar_one())


async def test_bulk_topic_change_on_10000_people_reaches_both_replicas(
    workers: Workers, clean_db: dict[str, AsyncEngine]
) -> None:
    contacts = clean_db["contacts"]
    async with contacts.begin() as conn:
        await conn.execute(
            insert(topics).values(key=TOPIC, name_fi=TOPIC, name_sv=TOPIC, name_en=TOPIC)
        )
    tag = uuid.uuid4().hex[:8]
    await create_people(contacts, PEOPLE, tag=tag)
    await create_people(contacts, 50, tag="bystander")  # outside the filter: untouched

    job_id = await jobs.start_bulk(
        SqlContactsUnitOfWork(contacts),
        kind="topic_add",
        selection=jobs.Selection({"text": tag}),
        actor=Actor(id="staff-e2e", role="editor"),
        topic=TOPIC,
    )
    job = await eventually(
        lambda: jobs.get_job(SqlContactsUnitOfWork(contacts), job_id),
        lambda j: j.finished,
        timeout=180,
        interval=0.5,
        what="the worker finished the bulk job",
    )
    assert (job.state, job.total, job.done_count, job.failed_count) == ("done", PEOPLE, PEOPLE, 0)
    assert await count(contacts, WITH_TOPIC, t=TOPIC) == PEOPLE
    # 10,000 new snapshots: every changed person is at version 2 in contacts' projection.
    changed = "SELECT count(*) FROM contact_snapshot WHERE version = 2 AND :t = ANY(topics)"
    assert await count(contacts, changed, t=TOPIC) == PEOPLE

    for service in ("newsletter", "surveys"):
        await eventually(
            lambda s=service: count(clean_db[s], changed, t=TOPIC),
            lambda n: n == PEOPLE,
            timeout=240,
            interval=1.0,
            what=f"{service} replica has the topic on every person",
        )
        assert await count(clean_db[service], WITH_TOPIC, t=TOPIC) == PEOPLE
        # Every person of this test in the replica once, the bystanders untouched. (Counted by
        # this test's addresses: a late tombstone of an earlier e2e test may still land.)
        ours = "SELECT count(*) FROM contact_snapshot WHERE email LIKE :pattern"
        assert await count(clean_db[service], ours, pattern=f"%.{tag}@bulk.example") == PEOPLE
        assert await count(clean_db[service], ours, pattern="%.bystander@bulk.example") == 50
        bystanders_changed = (
            "SELECT count(*) FROM contact_snapshot WHERE email LIKE '%.bystander@bulk.example'"
            " AND (version <> 1 OR :t = ANY(topics))"
        )
        assert await count(clean_db[service], bystanders_changed, t=TOPIC) == 0
