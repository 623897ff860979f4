"""The staff import page: upload a CSV/XLSX file, map its columns, dry-run, start the job.

Step 1 (`/staff/imports`) keeps the file server-side and leads to step 2
(`/staff/imports/{upload}`): a <select> per column (guessed from the header), a preview of the
first rows as mapped, the subscribe choice with its consent basis, and two buttons: a dry run
that reports every bad row, or the import as a job (then `/staff/jobs/{id}`).
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile as StarletteUpload

from contacts.deps import Uow, Uows, actor_of
from contacts.errors import InvalidInput
from contacts.imports.domain.columns import FIELD_LABELS
from contacts.imports.domain.rows import FIELDS, MAX_BASIS
from contacts.imports.service import results
from contacts.imports.service import uploads as import_uploads
from contacts.imports.service.importing import Report
from contacts.rendering import pages, staff_language
from shared.web.staff import Editor

router = APIRouter(prefix="/staff/imports", include_in_schema=False)
ERROR_ORDER = ["file", "mapping", "basis"]
ERROR_TARGETS = {"mapping": "col-0"}


def _upload_page(request: Request, errors: dict[str, str]) -> Response:
    return pages.render(
        request,
        "staff_import_upload.html",
        {"errors": errors, "error_order": ERROR_ORDER, "max_mb": import_uploads.MAX_FILE >> 20},
        lang=staff_language(request),
        status_code=422 if errors else 200,
    )


def _mapping_page(
    request: Request,
    upload: import_uploads.Upload,
    *,
    choices: list[str],
    subscribe: bool,
    basis: str,
    errors: dict[str, str],
    report: Report | None = None,
) -> Response:
    chosen = {c: f for c, f in zip(upload.table.columns, choices, strict=False) if f in FIELDS}
    return pages.render(
        request,
        "staff_import_mapping.html",
        {
            "upload": upload,
            "columns": list(enumerate(upload.table.columns)),
            "choices": choices,
            "fields": FIELD_LABELS,
            "preview_fields": [f for f in FIELDS if f in chosen.values()],
            "preview": upload.preview(chosen),
            "total_rows": len(upload.table.rows),
            "form": {"subscribe": subscribe, "basis": basis},
            "max_basis": MAX_BASIS,
            "report": report,
            "rejected": [
                (r.row, list(r.cells), r.problems) for r in (report.rejected if report else [])
            ][: results.SHOWN],
            "said": _said_now,
            "created_organisations": (
                list(report.organisations_created.values()) if report else []
            ),
            "matched_organisations": (
                sorted(report.organisations_matched.values(), key=str.casefold) if report else []
            ),
            "errors": errors,
            "error_order": ERROR_ORDER,
            "error_targets": ERROR_TARGETS,
        },
        lang=staff_language(request),
        status_code=422 if errors else 200,
    )


def _said_now(problems: list[Any], gettext: results.Gettext, labels: dict[str, str]) -> str:
    """A row's problems in words (RowProblem objects of a dry run)."""
    return " ".join(f"{gettext(labels.get(p.field, p.field))}: {p.said(gettext)}" for p in problems)


@router.get("/jobs/{job_id}/rejected.{fmt}")
async def rejected_file(
    job_id: uuid.UUID, fmt: str, request: Request, uow: Uow, staff: Editor
) -> Response:
    """The rows an import job rejected, as uploaded, with the error in the staff's language."""
    data = await results.rejected_file(
        uow,
        job_id,
        fmt=fmt,
        actor=actor_of(staff),
        gettext=pages.gettext(staff_language(request)),
        labels=FIELD_LABELS,
    )
    return Response(
        data,
        media_type=results.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="rejected-{job_id}.{fmt}"'},
    )


@router.get("")
async def upload_form(request: Request, staff: Editor) -> Response:
    request.state.staff = staff
    return _upload_page(request, {})


@router.post("")
async def upload_file(request: Request, uow: Uow, staff: Editor) -> Response:
    request.state.staff = staff
    # Read from the form itself: a browser sends an empty file part when none was chosen.
    file = (await request.form()).get("file")
    chosen = file if isinstance(file, StarletteUpload) else None
    data = await chosen.read(import_uploads.MAX_FILE + 1) if chosen else b""
    try:
        upload = await import_uploads.keep_upload(
            uow,
            data=data,
            filename=(chosen.filename or "") if chosen else "",
            actor=actor_of(staff),
        )
    except InvalidInput as error:
        return _upload_page(request, {"file": error.message})
    return RedirectResponse(f"/staff/imports/{upload.id}", status_code=303)


@router.get("/{upload_id}")
async def mapping_form(upload_id: uuid.UUID, request: Request, uow: Uow, staff: Editor) -> Response:
    request.state.staff = staff
    upload = await import_uploads.get_upload(uow, upload_id, actor=actor_of(staff))
    guessed = upload.guessed
    choices = [guessed.get(c, "") for c in upload.table.columns]
    return _mapping_page(request, upload, choices=choices, subscribe=False, basis="", errors={})


def _form_text(form: Any, name: str, limit: int) -> str:
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


@router.post("/{upload_id}")
async def check_or_start(
    upload_id: uuid.UUID, request: Request, uows: Uows, staff: Editor
) -> Response:
    """`step=check` shows the dry run's report; `step=start` queues the import job."""
    request.state.staff = staff
    actor = actor_of(staff)
    upload = await import_uploads.get_upload(uows(), upload_id, actor=actor)
    form = await request.form()
    choices = [_form_text(form, f"col-{i}", 40) for i in range(len(upload.table.columns))]
    subscribe = form.get("subscribe") == "1"
    basis = _form_text(form, "basis", MAX_BASIS + 1)
    try:
        if form.get("step") == "start":
            job_id = await import_uploads.start(
                uows(), upload, choices=choices, basis=basis, subscribe=subscribe, actor=actor
            )
            return RedirectResponse(f"/staff/jobs/{job_id}", status_code=303)
        report = await import_uploads.dry_run(
            uows(), upload, choices=choices, basis=basis, subscribe=subscribe
        )
    except InvalidInput as error:
        errors = {error.field if error.field in ERROR_ORDER else "mapping": error.message}
        report = None
    else:
        errors = {}
    return _mapping_page(
        request,
        upload,
        choices=choices,
        subscribe=subscribe,
        basis=basis,
        errors=errors,
        report=report,
    )
