"""The media library's API (list, upload, alt texts) and the public image address."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from newsletter.delivery.domain import LANGUAGES
from newsletter.deps import Settings, Uow
from newsletter.errors import NotFound
from newsletter.media import service
from newsletter.media.schemas import AltIn
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/newsletter/media", tags=["media"])
public = APIRouter(prefix="/newsletter/media", include_in_schema=False)
FILE_NAME = re.compile(r"(?P<variant>\w+)-(?P<digest>[0-9a-f]{16})\.(?P<ext>png|jpg|webp|gif)")
IMMUTABLE = "public, max-age=31536000, immutable"


async def read_upload(file: UploadFile | None, limit: int) -> bytes:
    """At most `limit` + 1 bytes: enough to tell a too large file without holding all of it."""
    if file is None:
        return b""
    return await file.read(limit + 1)


@router.get("")
async def list_media(uow: Uow, staff: Viewer) -> list[dict[str, Any]]:
    return await service.library(uow)


@router.post("", status_code=status.HTTP_201_CREATED)
async def upload_media(
    request: Request, uow: Uow, settings: Settings, staff: Editor
) -> dict[str, Any]:
    form = await request.form()
    file = form.get("file")
    upload = file if isinstance(file, UploadFile) else None
    data = await read_upload(upload, settings.media_max_bytes)
    alt = {lang: str(form.get(f"alt-{lang}", "")) for lang in LANGUAGES}
    name = str(form.get("name", "")) or (upload.filename if upload else "") or ""
    media_id = await service.upload(
        uow, staff=staff, name=name, data=data, alt=alt, settings=settings
    )
    return await service.one(uow, media_id)


@router.put("/{media_id}/alt", status_code=status.HTTP_204_NO_CONTENT)
async def edit_alt(media_id: uuid.UUID, body: AltIn, uow: Uow, staff: Editor) -> None:
    await service.set_alt(uow, staff=staff, media_id=media_id, alt=body.model_dump())


@public.get("/{media_id}/{file_name}")
async def image(media_id: uuid.UUID, file_name: str, request: Request, uow: Uow) -> Response:
    """A variant by its content hash: the address changes with the bytes, so cache forever."""
    m = FILE_NAME.fullmatch(file_name)
    if m is None:
        raise NotFound("No such image.")
    served = await service.serve(uow, media_id, m["variant"], m["digest"], m["ext"])
    headers = {"Cache-Control": IMMUTABLE, "ETag": served.etag, "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == served.etag:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(served.data, media_type=served.content_type, headers=headers)
