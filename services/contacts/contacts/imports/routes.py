"""Staff API for importing people from files and exporting views or segments."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response

from contacts.deps import Uow, Uows, actor_of
from contacts.errors import InvalidInput
from contacts.imports.service import exporting, importing, results
from shared.web.staff import Editor, Viewer

MAX_FILE = 50 * 1024 * 1024

router = APIRouter(prefix="/api/contacts", tags=["import-export"])


async def _table(file: UploadFile) -> importing.Table:
    data = await file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise InvalidInput("The file is larger than 50 MB.", field="file")
    return importing.read_table(data, file.filename or "")


def _mapping(raw: str) -> dict[str, str]:
    try:
        mapping = json.loads(raw)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise InvalidInput(
            'The mapping must be a JSON object {"column": "field"}.', field="mapping"
        )
    return mapping


def _report(report: importing.Report, *, dry_run: bool) -> dict[str, Any]:
    """The counts, each problem (row, field, reason in English; `text`/`params` to translate)
    and the organisations matched and created (or to be created, in a dry run)."""
    return {"dry_run": dry_run, **results.summary(report)}


@router.post("/imports/preview")
async def preview_import(
    staff: Viewer,
    file: Annotated[UploadFile, File()],
    mapping: Annotated[str, Form()] = "{}",
) -> dict[str, Any]:
    """The file's columns and, when a mapping is given, its first rows as mapped."""
    table = await _table(file)
    fields = _mapping(mapping)
    rows = importing.preview(table, fields) if fields else []
    return {"columns": list(table.columns), "rows": rows, "total_rows": len(table.rows)}


@router.post("/imports")
async def import_people(
    uows: Uows,
    staff: Editor,
    file: Annotated[UploadFile, File()],
    mapping: Annotated[str, Form()],
    basis: Annotated[str, Form(max_length=1000)] = "",
    subscribe: Annotated[bool, Form()] = False,
    dry_run: Annotated[bool, Form()] = True,
) -> dict[str, Any]:
    """A dry run by default: the report of bad rows; `dry_run=false` imports the good rows."""
    table = await _table(file)
    fields = _mapping(mapping)
    if dry_run:
        _, report = await importing.check(uows(), table, fields, basis=basis, subscribe=subscribe)
    else:
        report = await importing.import_people(
            uows, table, fields, basis=basis, subscribe=subscribe, actor=actor_of(staff)
        )
    return _report(report, dry_run=dry_run)


def _file(data: bytes, fmt: str, name: str) -> Response:
    return Response(
        data,
        media_type=exporting.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


@router.get("/exports/people.{fmt}")
async def export_people(
    fmt: str,
    uow: Uow,
    staff: Viewer,
    q: Annotated[str, Query(max_length=200)] = "",
    organisation_type: str | None = None,
    region: str | None = None,
    municipality: str | None = None,
    membership: str | None = None,
    subscription: str | None = None,
    topic: str | None = None,
    organisation_id: uuid.UUID | None = None,
) -> Response:
    """The people search's view (same filters as GET /api/contacts/people), every page."""
    filters = {
        "text": q,
        "organisation_type": organisation_type,
        "region": region,
        "municipality": municipality,
        "membership_state": membership,
        "subscription_state": subscription,
        "topic": topic,
        "organisation_id": organisation_id,
    }
    data = await exporting.export_view(uow, fmt=fmt, actor=actor_of(staff), filters=filters)
    return _file(data, fmt, "people")


@router.get("/exports/segments/{segment_id}.{fmt}")
async def export_segment(segment_id: uuid.UUID, fmt: str, uow: Uow, staff: Viewer) -> Response:
    data = await exporting.export_segment(uow, segment_id, fmt=fmt, actor=actor_of(staff))
    return _file(data, fmt, f"segment-{segment_id}")
