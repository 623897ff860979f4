"""CSV/XLSX imports as background jobs: the existing chunked import, counted per chunk.

The uploaded file is kept with the job. `total` is the file's rows; `done_count` the good
rows imported, counted in the same transaction as each chunk, so a resumed job skips exactly
the committed chunks; `failed_count` the bad rows. The report (problems by row, organisations
matched and created) is the job's file once it is done; the rejected rows, with their original
cells, go to `import_rejected_rows` in the same transaction (`results.py` shows and serves them).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from contacts.audit.domain import Actor
from contacts.imports.domain.rows import check_basis, check_mapping
from contacts.imports.service import importing, results
from contacts.imports.service.importing import UnitsOfWork
from contacts.jobs.domain import Job
from contacts.unit_of_work import ContactsUnitOfWork

KIND = "import"


async def start_import(
    uow: ContactsUnitOfWork,
    *,
    data: bytes,
    filename: str,
    mapping: Mapping[str, str],
    basis: str,
    subscribe: bool,
    actor: Actor,
    upload_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Check what can be checked at once (format, mapping, basis), then queue the import.
    A kept upload (`upload_id`) is forgotten in the same transaction: the job has the file."""
    table = importing.read_table(data, filename)
    checked = check_mapping(mapping, table.columns)
    check_basis(basis, subscribe=subscribe)
    job_id = uuid.uuid4()
    parameters: dict[str, Any] = {"filename": filename, "mapping": dict(checked), "basis": basis}
    parameters |= {"subscribe": subscribe, "by": actor.id}
    async with uow:
        await uow.jobs.add(
            job_id=job_id,
            kind=KIND,
            parameters=parameters,
            created_by=actor.id,
            input=data,
            total=len(table.rows),
        )
        await uow.audit.record(
            actor,
            "people.import_queued",
            target_type="job",
            target_id=str(job_id),
            details={"rows": len(table.rows), "subscribe": subscribe},
        )
        if upload_id is not None:
            await uow.imports.remove_upload(upload_id)
        await uow.commit()
    return job_id


async def run(uows: UnitsOfWork, job: Job, token: uuid.UUID, *, lease_s: float) -> None:
    async with uows() as uow:
        data = await uow.jobs.input_of(job.id)
    p = job.parameters
    table = importing.read_table(data, p["filename"])
    lease = timedelta(seconds=lease_s)

    async def counted(uow: ContactsUnitOfWork, rows: int) -> bool:
        return await uow.jobs.advance(job.id, token=token, done=rows, failed=0, lease=lease)

    actor = Actor(id=p.get("by") or "", role="editor") if p.get("by") else None
    try:
        report = await importing.import_people(
            uows,
            table,
            p["mapping"],
            basis=p["basis"],
            subscribe=p["subscribe"],
            actor=actor,
            skip=job.done_count,
            on_chunk=counted,
        )
    except importing.ChunkRefused:
        return  # cancelled, or another worker took over
    async with uows() as uow:
        finished = await uow.jobs.finish(
            job.id,
            token=token,
            state="done",
            result=json.dumps(results.summary(report), ensure_ascii=False).encode(),
            done=report.good,
            failed=report.bad_rows,
        )
        if finished:  # still this worker's job: its rejected rows commit with its end
            await uow.imports.replace_rejected(job.id, results.stored_rejected(report))
        await uow.commit()
