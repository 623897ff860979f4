"""The rules of the job runner and of the import's use cases around it (upload, queue, run,
results), on the fake unit of work: batches until done, a lost lease keeps nothing, a failure
is told in staff's words, what is audited, and nothing is written when a use case refuses."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from contacts.audit.domain import Actor
from contacts.errors import InvalidInput, NotFound
from contacts.imports.domain.columns import FIELD_LABELS
from contacts.imports.service import jobs as import_jobs
from contacts.imports.service import results, uploads
from contacts.jobs.domain import UNEXPECTED_FAILURE
from contacts.jobs.service import jobs
from contacts.jobs.service.jobs import JobSettings

from tests.unit.fakes.contacts import FakeContactsUnitOfWork

EDITOR = Actor(id="staff-e", role="editor")
OTHER = Actor(id="staff-o", role="editor")
SETTINGS = JobSettings(batch_size=2, lease_s=60, poll_interval_s=0)
FILE = "Sähköposti,Etunimi\nanna@example.fi,Anna\nei-osoite,Bad\ncarl@example.fi,Carl\n".encode()


def said(text: str) -> str:
    return text


async def bulk_job(uow: FakeContactsUnitOfWork, people: int, kind: str = "tag_add") -> uuid.UUID:
    job_id = uuid.UUID(int=100 + people)
    await uow.jobs.add(
        job_id=job_id, kind=kind, parameters={"tag": "VIP"}, created_by="staff-e", total=people
    )
    uow.jobs.items[job_id] = [uuid.UUID(int=i + 1) for i in range(people)]
    return job_id


async def test_no_waiting_job_means_nothing_to_run() -> None:
    assert await jobs.run_next(FakeContactsUnitOfWork, SETTINGS) is None


async def test_a_bulk_job_runs_batch_by_batch_to_done() -> None:
    uow = FakeContactsUnitOfWork()
    job_id = await bulk_job(uow, 5)

    assert await jobs.run_next(lambda: uow, SETTINGS) is not None

    job = await jobs.get_job(uow, job_id)
    assert (job.state, job.done_count, job.failed_count) == ("done", 5, 0)
    assert [len(ids) for _, ids in uow.jobs.applied] == [2, 2, 1]
    assert uow.jobs.items[job_id] == []


async def test_a_worker_that_lost_its_lease_keeps_nothing_of_its_batch() -> None:
    uow = FakeContactsUnitOfWork()
    job_id = await bulk_job(uow, 3)
    claimed = await jobs.claim_next(lambda: uow, SETTINGS)
    assert claimed is not None
    job, token = claimed
    await jobs.cancel_job(uow, job_id, actor=EDITOR)

    assert not await jobs.run_batch(lambda: uow, job, token, SETTINGS)

    assert uow.jobs.applied == []
    assert (await jobs.get_job(uow, job_id)).state == "cancelled"


async def test_a_stale_token_cannot_count_or_finish_a_job() -> None:
    uow = FakeContactsUnitOfWork()
    job_id = await bulk_job(uow, 3)
    claimed = await jobs.claim_next(lambda: uow, SETTINGS)
    assert claimed is not None
    job, _token = claimed

    assert not await jobs.run_batch(lambda: uow, job, uuid.UUID(int=9), SETTINGS)

    assert uow.jobs.applied == []
    assert uow.jobs.items[job_id] == [uuid.UUID(int=i + 1) for i in range(3)]
    assert (await jobs.get_job(uow, job_id)).done_count == 0


async def test_a_failing_batch_fails_the_job_in_staff_words_and_keeps_nothing() -> None:
    uow = FakeContactsUnitOfWork()
    job_id = await bulk_job(uow, 3)
    uow.jobs.failing = "tag_add"

    assert await jobs.run_next(lambda: uow, SETTINGS) is not None

    job = await jobs.get_job(uow, job_id)
    assert (job.state, job.error, job.done_count) == ("failed", UNEXPECTED_FAILURE, 0)
    assert uow.jobs.applied == []


async def test_a_stopping_worker_hands_its_job_back_after_the_batch() -> None:
    uow = FakeContactsUnitOfWork()
    job_id = await bulk_job(uow, 5)
    stop = asyncio.Event()
    stop.set()

    await jobs.run_next(lambda: uow, SETTINGS, stop)

    job = await jobs.get_job(uow, job_id)
    assert (job.state, job.done_count) == ("queued", 2)
    assert len(uow.jobs.items[job_id]) == 3


async def test_an_export_job_keeps_its_file_and_counts_the_people_erased_meanwhile() -> None:
    uow = FakeContactsUnitOfWork()
    job_id = await bulk_job(uow, 4, kind="export")
    uow.jobs.rows[job_id] = dataclasses.replace(uow.jobs.rows[job_id], parameters={"format": "csv"})
    uow.jobs.exported[job_id] = 3  # one of the four was erased after the job started

    await jobs.run_next(lambda: uow, SETTINGS)

    job, data = await jobs.job_result(uow, job_id)
    assert (job.state, job.done_count, job.failed_count) == ("done", 3, 1)
    assert data == b"csv:3"


async def test_cancelling_is_audited_only_when_something_was_cancelled() -> None:
    uow = FakeContactsUnitOfWork()
    job_id = await bulk_job(uow, 1)
    assert await jobs.cancel_job(uow, job_id, actor=EDITOR)
    assert not await jobs.cancel_job(uow, job_id, actor=EDITOR)
    assert [(e.action, e.target_id) for e in uow.audit.entries] == [("job.cancelled", str(job_id))]


async def test_a_job_without_a_file_has_no_result() -> None:
    uow = FakeContactsUnitOfWork()
    job_id = await bulk_job(uow, 1)
    with pytest.raises(NotFound):
        await jobs.job_result(uow, job_id)
    with pytest.raises(NotFound):
        await jobs.get_job(uow, uuid.UUID(int=1))


# -- the import's steps


async def test_an_upload_is_kept_for_its_staff_member_only_and_for_a_day() -> None:
    uow = FakeContactsUnitOfWork()
    upload = await uploads.keep_upload(uow, data=FILE, filename="people.csv", actor=EDITOR)
    assert upload.table.columns == ("Sähköposti", "Etunimi")

    again = await uploads.get_upload(uow, upload.id, actor=EDITOR)
    assert again.data == FILE
    with pytest.raises(NotFound):
        await uploads.get_upload(uow, upload.id, actor=OTHER)
    uow.imports.now = datetime.now(UTC) + uploads.MAX_AGE + timedelta(seconds=1)
    with pytest.raises(NotFound):
        await uploads.get_upload(uow, upload.id, actor=EDITOR)


@pytest.mark.parametrize(
    ("data", "filename"),
    [(b"", "people.csv"), (FILE, "people.txt"), (b"\xff\xfe", "people.csv")],
    ids=["empty", "wrong-type", "not-utf8"],
)
async def test_a_wrong_file_is_refused_and_nothing_is_kept(data: bytes, filename: str) -> None:
    uow = FakeContactsUnitOfWork()
    with pytest.raises(InvalidInput):
        await uploads.keep_upload(uow, data=data, filename=filename, actor=EDITOR)
    assert uow.imports.uploads == {}


async def test_starting_an_import_queues_the_job_audits_it_and_forgets_the_upload() -> None:
    uow = FakeContactsUnitOfWork()
    upload = await uploads.keep_upload(uow, data=FILE, filename="people.csv", actor=EDITOR)

    job_id = await uploads.start(
        uow, upload, choices=["email", "first_name"], basis="", subscribe=False, actor=EDITOR
    )

    job = await jobs.get_job(uow, job_id)
    assert (job.kind, job.state, job.total) == ("import", "queued", 3)
    assert job.parameters["mapping"] == {"Sähköposti": "email", "Etunimi": "first_name"}
    assert uow.imports.uploads == {}
    assert [e.action for e in uow.audit.entries] == ["people.import_queued"]


async def test_an_import_without_an_email_column_is_not_queued() -> None:
    uow = FakeContactsUnitOfWork()
    upload = await uploads.keep_upload(uow, data=FILE, filename="people.csv", actor=EDITOR)
    with pytest.raises(InvalidInput):
        await uploads.start(
            uow, upload, choices=["", "first_name"], basis="", subscribe=False, actor=EDITOR
        )
    assert uow.jobs.rows == {}
    assert list(uow.imports.uploads) == [upload.id]
    assert uow.audit.entries == []


async def test_an_import_job_imports_good_rows_and_keeps_the_rejected_ones() -> None:
    uow = FakeContactsUnitOfWork()
    job_id = await import_jobs.start_import(
        uow,
        data=FILE,
        filename="people.csv",
        mapping={"Sähköposti": "email", "Etunimi": "first_name"},
        basis="",
        subscribe=False,
        actor=EDITOR,
    )

    await jobs.run_next(lambda: uow, SETTINGS)

    job = await jobs.get_job(uow, job_id)
    assert (job.state, job.done_count, job.failed_count) == ("done", 2, 1)
    assert sorted(p.email for p in uow.people.rows.values()) == [
        "anna@example.fi",
        "carl@example.fi",
    ]
    assert uow.jobs.inputs[job_id] is None  # the uploaded file goes once the job has run
    found = await results.result_of(uow, job_id)
    assert found is not None
    assert (found.summary["created"], found.rejected_total) == (2, 1)
    assert [(r.row, r.cells) for r in found.rejected] == [(3, ["ei-osoite", "Bad"])]


async def test_the_rejected_rows_file_is_audited_and_only_for_an_import() -> None:
    uow = FakeContactsUnitOfWork()
    job_id = await import_jobs.start_import(
        uow,
        data=FILE,
        filename="people.csv",
        mapping={"Sähköposti": "email", "Etunimi": "first_name"},
        basis="",
        subscribe=False,
        actor=EDITOR,
    )
    await jobs.run_next(lambda: uow, SETTINGS)

    data = await results.rejected_file(
        uow, job_id, fmt="csv", actor=EDITOR, gettext=said, labels=FIELD_LABELS
    )

    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Sähköposti,Etunimi,Error"
    assert lines[1].startswith("ei-osoite,Bad,")
    exported = [e for e in uow.audit.entries if e.action == "people.import_rejected_exported"]
    assert [e.details["rows"] for e in exported] == [1]

    other = await bulk_job(uow, 1, kind="export")
    with pytest.raises(NotFound):
        await results.rejected_file(
            uow, other, fmt="csv", actor=EDITOR, gettext=said, labels=FIELD_LABELS
        )
    with pytest.raises(InvalidInput):
        await results.rejected_file(
            uow, job_id, fmt="pdf", actor=EDITOR, gettext=said, labels=FIELD_LABELS
        )


async def test_an_import_job_taken_over_by_another_worker_is_left_to_it() -> None:
    uow = FakeContactsUnitOfWork()
    job_id = await import_jobs.start_import(
        uow,
        data=FILE,
        filename="people.csv",
        mapping={"Sähköposti": "email"},
        basis="",
        subscribe=False,
        actor=EDITOR,
    )
    claimed = await jobs.claim_next(lambda: uow, SETTINGS)
    assert claimed is not None
    job, token = claimed
    uow.jobs.leases[job_id] = uuid.UUID(int=2)  # its lease ran out; another worker claimed it

    await import_jobs.run(lambda: uow, job, token, lease_s=60)

    assert uow.people.rows == {}
    assert uow.snapshots() == []
    after = await jobs.get_job(uow, job_id)
    assert (after.state, after.done_count) == ("running", 0)
    assert uow.imports.rejected == {}
