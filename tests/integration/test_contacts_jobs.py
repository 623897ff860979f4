"""Bulk actions as jobs: the typed erase confirmation, resuming after a dead worker, export."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from contacts.audit.domain import Actor
from contacts.errors import InvalidInput
from contacts.jobs.service import jobs
from contacts.people.service import people
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.units import units

EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor"}
ACTOR = Actor(id="staff-e", role="editor")
TOPIC = "webinaarit"


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()


async def crowd(engine: AsyncEngine, n: int, tag: str) -> list[uuid.UUID]:
    made = [
        await people.register_person(
            SqlContactsUnitOfWork(engine), email=f"{tag}{i}@jobs.example", last_name=tag
        )
        for i in range(n)
    ]
    return [p.id for p in made]


async def test_bulk_erase_needs_the_typed_number_of_people(
    engine: AsyncEngine, api: httpx.AsyncClient
) -> None:
    await crowd(engine, 3, "erase")
    await crowd(engine, 2, "keep")
    wrong = await api.post(
        "/staff/bulk", data={"action": "erase", "q": "erase", "confirmation": "5"}
    )
    assert wrong.status_code == 422
    assert 'href="#confirmation"' in wrong.text  # the error summary links to the field
    assert await scalar(engine, "SELECT count(*) FROM jobs") == 0
    with pytest.raises(InvalidInput):
        await jobs.start_bulk(
            SqlContactsUnitOfWork(engine),
            kind="erase",
            selection=jobs.Selection({"text": "erase"}),
            actor=ACTOR,
        )

    started = await api.post(
        "/staff/bulk", data={"action": "erase", "q": "erase", "confirmation": "3"}
    )
    assert started.status_code == 303
    job_id = uuid.UUID(started.headers["location"].rsplit("/", 1)[1])
    audited = await scalar(
        engine, "SELECT details FROM audit_log WHERE action = 'people.bulk_erase'"
    )
    assert audited["people"] == 3 and "@" not in json.dumps(audited)  # names no one

    assert await jobs.run_next(units(engine), jobs.JobSettings(batch_size=2)) is not None
    job = await jobs.get_job(SqlContactsUnitOfWork(engine), job_id)
    assert (job.state, job.total, job.done_count, job.failed_count) == ("done", 3, 3, 0)
    assert await scalar(engine, "SELECT count(*) FROM people") == 2
    assert await scalar(engine, "SELECT count(*) FROM contact_snapshot WHERE erased") == 3
    tombstones = "SELECT count(*) FROM outbox WHERE payload IS NULL OR length(payload) = 0"
    assert await scalar(engine, tombstones) == 3


async def test_job_resumes_after_its_worker_died_mid_job(engine: AsyncEngine) -> None:
    ids = await crowd(engine, 25, "resume")
    settings = jobs.JobSettings(batch_size=10)
    job_id = await jobs.start_bulk(
        SqlContactsUnitOfWork(engine),
        kind="topic_add",
        selection=jobs.Selection({"text": "resume"}),
        actor=ACTOR,
        topic=TOPIC,
    )
    claimed = await jobs.claim_next(units(engine), settings)
    assert claimed is not None
    job, dead_token = claimed
    # one batch, then it "dies"
    assert await jobs.run_batch(units(engine), job, dead_token, settings)
    assert (await jobs.get_job(SqlContactsUnitOfWork(engine), job_id)).done_count == 10
    assert await jobs.run_next(units(engine), settings) is None  # the lease still holds

    async with engine.begin() as conn:  # the dead worker's lease runs out
        await conn.execute(text("UPDATE jobs SET lease_until = now() - interval '1 second'"))
    assert await jobs.run_next(units(engine), settings) is not None
    assert not await jobs.run_batch(
        units(engine), job, dead_token, settings
    )  # a stale worker can't

    job = await jobs.get_job(SqlContactsUnitOfWork(engine), job_id)
    assert (job.state, job.done_count, job.failed_count) == ("done", 25, 0)
    versions = await scalar(
        engine,
        "SELECT array_agg(DISTINCT version) FROM people WHERE id = ANY(:ids) AND :t = ANY(topics)",
        ids=ids,
        t=TOPIC,
    )
    assert versions == [2]  # each person changed exactly once
    snapshots = "SELECT count(*) FROM contact_snapshot WHERE :t = ANY(topics) AND version = 2"
    assert await scalar(engine, snapshots, t=TOPIC) == 25


async def test_bulk_export_file_is_downloadable_from_the_job_page(
    engine: AsyncEngine, api: httpx.AsyncClient
) -> None:
    await crowd(engine, 4, "export")
    form = await api.get("/staff/bulk", params={"q": "export", "action": "export"})
    assert form.status_code == 200 and "<strong>4</strong>" in form.text
    started = await api.post("/staff/bulk", data={"action": "export", "q": "export"})
    page_url = started.headers["location"]
    running = await api.get(page_url)
    assert "<progress" in running.text and 'href="' + page_url + '"' in running.text
    await jobs.run_next(units(engine), jobs.JobSettings())
    status = (await api.get("/api/contacts/jobs/" + page_url.rsplit("/", 1)[1])).json()
    assert status | {"id": None} == status | {
        "id": None,
        "state": "done",
        "total": 4,
        "done": 4,
        "percent": 100,
        "has_file": True,
    }
    file = await api.get(page_url + "/file")
    assert file.status_code == 200
    assert file.content.decode("utf-8-sig").count("@jobs.example") == 4
    listing = await api.get("/staff/jobs")
    assert page_url in listing.text


async def test_import_runs_as_a_job_with_progress_and_a_report(
    engine: AsyncEngine, api: httpx.AsyncClient
) -> None:
    csv = "Sähköposti,Etunimi\nyksi@jobs.example,Yksi\nkaksi@jobs.example,Kaksi\nnot-an-email,X\n"
    queued = await api.post(
        "/api/contacts/jobs/imports",
        files={"file": ("people.csv", csv.encode())},
        data={"mapping": json.dumps({"Sähköposti": "email", "Etunimi": "first_name"})},
    )
    assert queued.status_code == 202, queued.text
    status_url = queued.json()["status"]
    assert (await api.get(status_url)).json()["state"] == "queued"
    assert await scalar(engine, "SELECT count(*) FROM people") == 0

    await jobs.run_next(units(engine), jobs.JobSettings())
    status = (await api.get(status_url)).json()
    assert (status["state"], status["total"], status["done"], status["failed"]) == ("done", 3, 2, 1)
    assert await scalar(engine, "SELECT count(*) FROM people") == 2
    report = (await api.get(queued.json()["page"] + "/file")).json()
    assert [p["field"] for p in report["problems"]] == ["email"]

    # The same file again with one name changed: one update, one person left as it was.
    again = await api.post(
        "/api/contacts/jobs/imports",
        files={"file": ("people.csv", csv.replace("Kaksi", "Toinen").encode())},
        data={"mapping": json.dumps({"Sähköposti": "email", "Etunimi": "first_name"})},
    )
    await jobs.run_next(units(engine), jobs.JobSettings())
    report = (await api.get(again.json()["page"] + "/file")).json()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 1)
    page = await api.get(again.json()["page"])
    assert '<strong id="result-unchanged">1</strong>' in page.text


async def test_bulk_tag_is_added_then_removed_in_any_letter_case(
    engine: AsyncEngine, api: httpx.AsyncClient
) -> None:
    ids = await crowd(engine, 3, "tagged")
    await crowd(engine, 2, "untouched")
    nameless = await api.post("/staff/bulk", data={"action": "tag_add", "q": "tagged"})
    assert nameless.status_code == 422 and 'href="#tag"' in nameless.text

    added = await api.post(
        "/staff/bulk", data={"action": "tag_add", "q": "tagged", "bulk_tag": " Puhuja  2025 "}
    )
    assert added.status_code == 303
    await jobs.run_next(units(engine), jobs.JobSettings(batch_size=2))
    tagged = "SELECT count(*) FROM people WHERE 'Puhuja 2025' = ANY(tags)"
    assert await scalar(engine, tagged) == 3
    in_snapshots = "SELECT count(*) FROM contact_snapshot WHERE 'Puhuja 2025' = ANY(tags)"
    assert await scalar(engine, in_snapshots) == 3
    assert await scalar(engine, "SELECT count(*) FROM tags") == 1

    removed = await api.post(
        "/staff/bulk", data={"action": "tag_remove", "q": "tagged", "bulk_tag": "puhuja 2025"}
    )
    job_id = uuid.UUID(removed.headers["location"].rsplit("/", 1)[1])
    await jobs.run_next(units(engine), jobs.JobSettings())
    assert (await jobs.get_job(SqlContactsUnitOfWork(engine), job_id)).state == "done"
    assert await scalar(engine, tagged) == 0
    assert await scalar(engine, in_snapshots) == 0
    versions = "SELECT array_agg(DISTINCT version) FROM people WHERE id = ANY(:ids)"
    assert await scalar(engine, versions, ids=ids) == [3]  # added once, removed once


async def test_a_bulk_action_on_a_tag_filtered_list_acts_only_on_the_tagged(
    engine: AsyncEngine, api: httpx.AsyncClient
) -> None:
    await crowd(engine, 3, "speakers")
    added = await api.post(
        "/staff/bulk", data={"action": "tag_add", "q": "speakers0", "bulk_tag": "Puhuja"}
    )
    assert added.status_code == 303
    await jobs.run_next(units(engine), jobs.JobSettings())
    form = await api.get("/staff/bulk", params={"q": "speakers", "tag": "Puhuja"})
    assert form.status_code == 200
    assert '<input type="hidden" name="tag" value="Puhuja">' in form.text
    started = await api.post(
        "/staff/bulk",
        data={"action": "topic_add", "bulk_topic": TOPIC, "q": "speakers", "tag": "Puhuja"},
    )
    assert started.status_code == 303, started.text
    job_id = uuid.UUID(started.headers["location"].rsplit("/", 1)[1])
    assert (await jobs.get_job(SqlContactsUnitOfWork(engine), job_id)).total == 1


async def test_a_bulk_group_invitation_invites_each_person_once_in_the_jobs_transaction(
    engine: AsyncEngine,
) -> None:
    """The job's own transaction runs onboarding's invitation step (through a typed view of
    it): each person invited once, with the mail in the outbox; a second job invites nobody."""
    ids = await crowd(engine, 3, "groupinvite")
    settings = jobs.JobSettings(batch_size=2)
    for _ in range(2):
        job_id = await jobs.start_bulk(
            SqlContactsUnitOfWork(engine),
            kind="onboarding_invite",
            selection=jobs.Selection({"text": "groupinvite"}),
            actor=ACTOR,
        )
        while await jobs.run_next(units(engine), settings) is not None:
            pass
        job = await jobs.get_job(SqlContactsUnitOfWork(engine), job_id)
        assert (job.state, job.done_count, job.failed_count) == ("done", 3, 0)
    invited = "SELECT count(*) FROM onboarding WHERE person_id = ANY(:ids) AND state = 'invited'"
    assert await scalar(engine, invited, ids=ids) == 3
    assert (
        await scalar(engine, "SELECT count(*) FROM join_codes WHERE person_id = ANY(:ids)", ids=ids)
        == 3
    )
    mails = (
        "SELECT count(*) FROM outbox WHERE key = ANY(:keys) AND topic LIKE 'mail.requested%'"
        " AND convert_from(payload, 'UTF8') LIKE '%onboarding_invitation%'"
    )
    assert await scalar(engine, mails, keys=[str(i) for i in ids]) == 3
