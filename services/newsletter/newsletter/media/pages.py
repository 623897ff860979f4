"""The media library's staff page: upload, alt texts (no JavaScript needed)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from newsletter.delivery.domain import LANGUAGES
from newsletter.deps import Settings, Uow
from newsletter.errors import InvalidInput
from newsletter.media import service
from newsletter.media.routes import read_upload
from newsletter.rendering import pages, staff_language
from shared.web.staff import Editor, Staff, Viewer

router = APIRouter(prefix="/newsletter/staff/media", include_in_schema=False)


async def _render(
    request: Request,
    uow: Uow,
    staff: Staff,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    request.state.staff = staff
    return pages.render(
        request,
        "pages/staff_media.html",
        {
            "images": await service.library(uow),
            "languages": LANGUAGES,
            "may_edit": staff.may("editor"),
            "errors": errors or {},
            "saved": request.query_params.get("saved", ""),
        },
        lang=staff_language(request),
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
async def media_page(request: Request, uow: Uow, staff: Viewer) -> Response:
    return await _render(request, uow, staff)


@router.post("")
async def upload_page(request: Request, uow: Uow, settings: Settings, staff: Editor) -> Response:
    form = await request.form()
    file = form.get("file")
    upload = file if isinstance(file, UploadFile) else None
    alt = {lang: str(form.get(f"alt-{lang}", "")) for lang in LANGUAGES}
    name = str(form.get("name", "")) or (upload.filename if upload else "") or ""
    try:
        data = await read_upload(upload, settings.media_max_bytes)
        await service.upload(uow, staff=staff, name=name, data=data, alt=alt, settings=settings)
    except InvalidInput as exc:
        errors = {exc.field or "file": exc.message}
        return await _render(
            request, uow, staff, errors=errors, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
        )
    return RedirectResponse("/newsletter/staff/media?saved=upload", status.HTTP_303_SEE_OTHER)


@router.post("/{media_id}/alt")
async def alt_page(media_id: uuid.UUID, request: Request, uow: Uow, staff: Editor) -> Response:
    form = await request.form()
    alt = {lang: str(form.get(f"alt-{media_id}-{lang}", "")) for lang in LANGUAGES}
    try:
        await service.set_alt(uow, staff=staff, media_id=media_id, alt=alt)
    except InvalidInput as exc:
        field = f"alt-{media_id}-{(exc.field or 'alt-fi').removeprefix('alt-')}"
        return await _render(
            request,
            uow,
            staff,
            errors={field: exc.message},
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    return RedirectResponse(
        f"/newsletter/staff/media?saved=alt#media-{media_id}", status.HTTP_303_SEE_OTHER
    )
