"""The staff import page's steps: keep the uploaded file, map and check it, start the job.

The file stays in `import_uploads` between the steps (never in the browser's hidden fields);
starting the import copies it into the job and forgets the upload. Uploads a day old go.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.audit.domain import Actor
from contacts.errors import InvalidInput, NotFound
from contacts.imports.domain.columns import chosen_mapping, guess_mapping, mapped_rows
from contacts.imports.repository import uploads as store
from contacts.imports.service import importing
from contacts.imports.service import jobs as import_jobs

MAX_FILE = 50 * 1024 * 1024
MAX_AGE = timedelta(days=1)
PREVIEW_ROWS = 10


@dataclass(frozen=True)
class Upload:
    id: uuid.UUID
    filename: str
    data: bytes
    table: importing.Table

    @property
    def guessed(self) -> dict[str, str]:
        return guess_mapping(self.table.columns)

    def preview(self, mapping: dict[str, str]) -> list[dict[str, str]]:
        return mapped_rows(self.table.rows, mapping, limit=PREVIEW_ROWS)


async def keep_upload(engine: AsyncEngine, *, data: bytes, filename: str, actor: Actor) -> Upload:
    """Read the file now (so a wrong one is refused at once), then keep it for the next step."""
    if not data:
        raise InvalidInput("Choose a file to upload.", field="file")
    if len(data) > MAX_FILE:
        raise InvalidInput("The file is larger than 50 MB.", field="file")
    table = importing.read_table(data, filename)
    if not table.columns or not any(table.columns):
        raise InvalidInput("The file is empty.", field="file")
    upload_id = uuid.uuid4()
    async with engine.begin() as conn:
        await store.remove_older_than(conn, MAX_AGE)
        await store.add(
            conn, upload_id=upload_id, filename=filename, data=data, created_by=actor.id
        )
    return Upload(upload_id, filename, data, table)


async def _load(engine: AsyncEngine, upload_id: uuid.UUID, actor: Actor) -> tuple[str, bytes]:
    async with engine.connect() as conn:
        found = await store.get(conn, upload_id, created_by=actor.id, max_age=MAX_AGE)
    if found is None:
        raise NotFound("This upload has expired or was imported already: upload the file again.")
    return found


async def get_upload(engine: AsyncEngine, upload_id: uuid.UUID, *, actor: Actor) -> Upload:
    filename, data = await _load(engine, upload_id, actor)
    return Upload(upload_id, filename, data, importing.read_table(data, filename))


async def dry_run(
    engine: AsyncEngine,
    upload: Upload,
    *,
    choices: Iterable[str],
    basis: str,
    subscribe: bool,
) -> importing.Report:
    mapping = chosen_mapping(upload.table.columns, choices)
    _, report = await importing.check(
        engine, upload.table, mapping, basis=basis, subscribe=subscribe
    )
    return report


async def start(
    engine: AsyncEngine,
    upload: Upload,
    *,
    choices: Iterable[str],
    basis: str,
    subscribe: bool,
    actor: Actor,
) -> uuid.UUID:
    """Queue the import job with the kept file; the upload is then no longer needed."""
    mapping = chosen_mapping(upload.table.columns, choices)
    job_id = await import_jobs.start_import(
        engine,
        data=upload.data,
        filename=upload.filename,
        mapping=mapping,
        basis=basis,
        subscribe=subscribe,
        actor=actor,
    )
    async with engine.begin() as conn:
        await store.remove(conn, upload.id)
    return job_id
