"""The materials library's JSON API. Writes take the staff form's fields (multipart or
urlencoded: a material may be a file), see form.py; answers are `MaterialOut`."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from newsletter.deps import Settings, Uow
from newsletter.materials import service
from newsletter.materials.domain import ARCHIVE_CHANGES, ArchiveChange
from newsletter.materials.form import input_of, upload_of
from newsletter.materials.schemas import MaterialOut

from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/newsletter/materials", tags=["materials"])


@router.get("")
async def list_materials(uow: Uow, staff: Viewer) -> list[MaterialOut]:
    found = await service.listing(uow, public=False, lang="fi")
    return [MaterialOut.model_validate(m) for m in found]


@router.get("/{material_id}")
async def get_material(material_id: uuid.UUID, uow: Uow, staff: Viewer) -> dict[str, Any]:
    """The material and its figures (opens per month and source, newsletter clicks)."""
    found = await service.one(uow, material_id, public=False, lang="fi")
    shown = MaterialOut.model_validate(found).model_dump(mode="json")
    return shown | {"figures": await service.figures(uow, material_id)}


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_material(
    request: Request, uow: Uow, settings: Settings, staff: Editor
) -> MaterialOut:
    form = await request.form()
    material_id = await service.create(
        uow,
        staff=staff,
        given=input_of(form),
        upload=await upload_of(form, settings.material_max_bytes),
        max_bytes=settings.material_max_bytes,
        base_url=settings.public_base_url,
    )
    return MaterialOut.model_validate(await service.one(uow, material_id, public=False, lang="fi"))


@router.put("/{material_id}")
async def edit_material(
    material_id: uuid.UUID, request: Request, uow: Uow, settings: Settings, staff: Editor
) -> MaterialOut:
    form = await request.form()
    await service.edit(
        uow,
        staff=staff,
        material_id=material_id,
        given=input_of(form),
        upload=await upload_of(form, settings.material_max_bytes),
        max_bytes=settings.material_max_bytes,
        base_url=settings.public_base_url,
    )
    return MaterialOut.model_validate(await service.one(uow, material_id, public=False, lang="fi"))


def _archive_route(change: ArchiveChange) -> None:
    """POST /{id}/archive and /{id}/restore: the one use case, as the staff page calls it."""

    @router.post(
        f"/{{material_id}}/{change.word}",
        status_code=status.HTTP_204_NO_CONTENT,
        name=f"{change.word}_material",
    )
    async def archive_or_restore(
        material_id: uuid.UUID, uow: Uow, settings: Settings, staff: Editor
    ) -> None:
        await service.set_archived(
            uow,
            staff=staff,
            material_id=material_id,
            archived=change.archived,
            base_url=settings.public_base_url,
        )


for _change in ARCHIVE_CHANGES:
    _archive_route(_change)
