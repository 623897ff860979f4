"""The media library: staff page and API (upload, alt texts) and the public image address."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from newsletter.delivery.domain import LANGUAGES
from newsletter.deps import Engine, Settings
from newsletter.errors import InvalidInput, NotFound
from newsletter.media import service
from newsletter.rendering import pages, staff_language
from shared.web.security import check_csrf
from shared.web.staff import Editor, Staff, Viewer

page = APIRouter(prefix="/newsletter/staff/media", include_in_schema=False)
api = APIRouter(prefix="/api/newsletter/media", tags=["media"])
public = APIRouter(prefix="/newsletter/media", include_in_schema=False)
FILE_NAME = re.compile(r"(?P<variant>\w+)-(?P<digest>[0-9a-f]{16})\.(?P<ext>png|jpg|webp|gif)")
IMMUTABLE = "public, max-age=31536000, immutable"


async def _read(file: UploadFile | None, limit: int) -> bytes:
    """At most `limit` + 1 bytes: enough to tell a too large file without holding all of it."""
    if file is None:
        return b""
    return await file.read(limit + 1)


async def _render(
    request: Request,
    engine: Engine,
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
            "images": await service.library(engine),
            "languages": LANGUAGES,
            "may_edit": staff.may("editor"),
            "errors": errors or {},
            "saved": request.query_params.get("saved", ""),
        },
        lang=staff_language(request),
        status_code=status_code,
    )


@page.get("", response_class=HTMLResponse)
async def media_page(request: Request, engine: Engine, staff: Viewer) -> Response:
    return await _render(request, engine, staff)


@page.post("", dependencies=[Depends(check_csrf)])
async def upload_page(
    request: Request, engine: Engine, settings: Settings, staff: Editor
) -> Response:
    form = await request.form()
    file = form.get("file")
    upload = file if isinstance(file, UploadFile) else None
    alt = {lang: str(form.get(f"alt-{lang}", "")) for lang in LANGUAGES}
    name = str(form.get("name", "")) or (upload.filename if upload else "") or ""
    try:
        data = await _read(upload, settings.media_max_bytes)
        await service.upload(engine, staff=staff, name=name, data=data, alt=alt, settings=settings)
    except InvalidInput as exc:
        errors = {exc.field or "file": exc.message}
        return await _render(
            request, engine, staff, errors=errors, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
        )
    return RedirectResponse("/newsletter/staff/media?saved=upload", status.HTTP_303_SEE_OTHER)


@page.post("/{media_id}/alt", dependencies=[Depends(check_csrf)])
async def alt_page(
    media_id: uuid.UUID, request: Request, engine: Engine, staff: Editor
) -> Response:
    form = await request.form()
    alt = {lang: str(form.get(f"alt-{media_id}-{lang}", "")) for lang in LANGUAGES}
    try:
        await service.set_alt(engine, staff=staff, media_id=media_id, alt=alt)
    except InvalidInput as exc:
        field = f"alt-{media_id}-{(exc.field or 'alt-fi').removeprefix('alt-')}"
        return await _render(
            request,
            engine,
            staff,
            errors={field: exc.message},
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    return RedirectResponse(
        f"/newsletter/staff/media?saved=alt#media-{media_id}", status.HTTP_303_SEE_OTHER
    )


class AltIn(BaseModel):
    fi: str = ""
    sv: str = ""
    en: str = ""


@api.get("")
async def list_media(engine: Engine, staff: Viewer) -> list[dict[str, Any]]:
    return await service.library(engine)


@api.post("", status_code=status.HTTP_201_CREATED, dependencies=[Depends(check_csrf)])
async def upload_media(
    request: Request, engine: Engine, settings: Settings, staff: Editor
) -> dict[str, Any]:
    form = await request.form()
    file = form.get("file")
    upload = file if isinstance(file, UploadFile) else None
    data = await _read(upload, settings.media_max_bytes)
    alt = {lang: str(form.get(f"alt-{lang}", "")) for lang in LANGUAGES}
    name = str(form.get("name", "")) or (upload.filename if upload else "") or ""
    media_id = await service.upload(
        engine, staff=staff, name=name, data=data, alt=alt, settings=settings
    )
    found = [m for m in await service.library(engine) if m["id"] == media_id]
    return found[0]


@api.put(
    "/{media_id}/alt", status_code=status.HTTP_204_NO_CONTENT, dependencies=[Depends(check_csrf)]
)
async def edit_alt(media_id: uuid.UUID, body: AltIn, engine: Engine, staff: Editor) -> None:
    await service.set_alt(engine, staff=staff, media_id=media_id, alt=body.model_dump())


@public.get("/{media_id}/{file_name}")
async def image(media_id: uuid.UUID, file_name: str, request: Request, engine: Engine) -> Response:
    """A variant by its content hash: the address changes with the bytes, so cache forever."""
    m = FILE_NAME.fullmatch(file_name)
    if m is None:
        raise NotFound("No such image.")
    served = await service.serve(engine, media_id, m["variant"], m["digest"], m["ext"])
    headers = {"Cache-Control": IMMUTABLE, "ETag": served.etag, "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == served.etag:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(served.data, media_type=served.content_type, headers=headers)
