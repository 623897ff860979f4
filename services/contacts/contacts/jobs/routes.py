"""Staff API for background jobs: progress, and an import as a job."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from contacts.deps import Uow, actor_of
from contacts.errors import InvalidInput
from contacts.imports.routes import MAX_FILE
from contacts.imports.routes import _mapping as parse_mapping
from contacts.imports.service import jobs as import_jobs
from contacts.jobs.schemas import progress_of
from contacts.jobs.service import jobs
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/contacts/jobs", tags=["jobs"])


@router.get("/{job_id}")
async def job_progress(job_id: uuid.UUID, uow: Uow, staff: Viewer) -> dict[str, Any]:
    return progress_of(await jobs.get_job(uow, job_id))


@router.post("/imports", status_code=202)
async def queue_import(
    uow: Uow,
    staff: Editor,
    file: Annotated[UploadFile, File()],
    mapping: Annotated[str, Form()],
    basis: Annotated[str, Form(max_length=1000)] = "",
    subscribe: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """The import as a background job (the dry run stays `POST /api/contacts/imports`)."""
    data = await file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise InvalidInput("The file is larger than 50 MB.", field="file")
    job_id = await import_jobs.start_import(
        uow,
        data=data,
        filename=file.filename or "",
        mapping=parse_mapping(mapping),
        basis=basis,
        subscribe=subscribe,
        actor=actor_of(staff),
    )
    return {
        "job_id": str(job_id),
        "page": f"/staff/jobs/{job_id}",
        "status": f"/api/contacts/jobs/{job_id}",
    }
