"""The staff import page's steps: keep the uploaded file, map and check it, start the job.

The file stays in `import_uploads` between the steps (never in the browser's hidden fields);
starting the import copies it into the job and forgets the upload. Uploads a day old go.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from contacts.audit.domain import Actor
from contacts.errors import InvalidInput, NotFound
from contacts.imports.domain.columns import chosen_mapping, guess_mapping, mapped_rows
from contacts.imports.service import importing
from contacts.imports.service import jobs as import_jobs
from contacts.unit_of_work import ContactsUnitOfWork

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


async def keep_upload(
    uow: ContactsUnitOfWork, *, data: bytes, filename: str, actor: Actor
) -> Upload:
    """Read the file now (so a wrong one is refused at once), then keep it for the next step."""
    if not data:
        raise InvalidInput("Choose a file to upload.", field="file")
    if len(data) > MAX_FILE:
        raise InvalidInput("The file is larger than 50 MB.", field="file")
    table = importing.read_table(data, filename)
    if not table.columns or not any(table.columns):
        raise InvalidInput("The file is empty.", field="file")
    upload_id = uuid.uuid4()
    async with uow:
        await uow.imports.remove_uploads_older_than(MAX_AGE)
        await uow.imports.add_upload(
            upload_id=upload_id, filename=filename, data=data, created_by=actor.id
        )
        await uow.commit()
    return Upload(upload_id, filename, data, table)


async def get_upload(uow: ContactsUnitOfWork, upload_id: uuid.UUID, *, actor: Actor) -> Upload:
    """The staff member's own upload, while young enough."""
    async with uow:
        found = await uow.imports.upload(upload_id, created_by=actor.id, max_age=MAX_AGE)
    if found is None:
        raise NotFound("This upload has expired or was imported already: upload the file again.")
    filename, data = found
    return Upload(upload_id, filename, data, importing.read_table(data, filename))


async def dry_run(
    uow: ContactsUnitOfWork,
    upload: Upload,
    *,
    choices: Iterable[str],
    basis: str,
    subscribe: bool,
) -> importing.Report:
    mapping = chosen_mapping(upload.table.columns, choices)
    _, report = await importing.check(uow, upload.table, mapping, basis=basis, subscribe=subscribe)
    return report


async def start(
    uow: ContactsUnitOfWork,
    upload: Upload,
    *,
    choices: Iterable[str],
    basis: str,
    subscribe: bool,
    actor: Actor,
) -> uuid.UUID:
    """Queue the import job with the kept file; the upload goes in the same transaction."""
    mapping = chosen_mapping(upload.table.columns, choices)
    return await import_jobs.start_import(
        uow,
        data=upload.data,
        filename=upload.filename,
        mapping=mapping,
        basis=basis,
        subscribe=subscribe,
        actor=actor,
        upload_id=upload.id,
    )
