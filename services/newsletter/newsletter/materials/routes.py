"""The materials library's JSON API. Writes take the staff form's fields (multipart or
urlencoded: a material may be a file), see form.py; answers are `MaterialOut`."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from newsletter.deps import Engine, Settings
from newsletter.materials import service
from newsletter.materials.form import input_of, upload_of
from newsletter.materials.schemas import MaterialOut

from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/newsletter/materials", tags=["materials"])


@router.get("")
async def list_materials(engine: Engine, staff: Viewer) -> list[MaterialOut]:
    found = await service.listing(engine, public=False, lang="fi")
    return [MaterialOut.model_validate(m) for m in found]


@router.get("/{material_id}")
async def get_material(material_id: uuid.UUID, engine: Engine, staff: Viewer) -> dict[str, Any]:
    """The material and its figures (opens per month and source, newsletter clicks)."""
    found = await service.one(engine, material_id, public=False, lang="fi")
    shown = MaterialOut.model_validate(found).model_dump(mode="json")
    return shown | {"figures": await service.figures(engine, material_id)}


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_material(
    request: Request, engine: Engine, settings: Settings, staff: Editor
) -> MaterialOut:
    form = await request.form()
    material_id = await service.create(
        engine,
        staff=staff,
        given=input_of(form),
        upload=await upload_of(form, settings.material_max_bytes),
        max_bytes=settings.material_max_bytes,
        base_url=settings.public_base_url,
    )
    return MaterialOut.model_validate(
        await service.one(engine, material_id, public=False, lang="fi")
    )


@router.put("/{material_id}")
async def edit_material(
    material_id: uuid.UUID, request: Request, engine: Engine, settings: Settings, staff: Editor
) -> MaterialOut:
    form = await request.form()
    await service.edit(
        engine,
        staff=staff,
        material_id=material_id,
        given=input_of(form),
        upload=await upload_of(form, settings.material_max_bytes),
        max_bytes=settings.material_max_bytes,
        base_url=settings.public_base_url,
    )
    return MaterialOut.model_validate(
        await service.one(engine, material_id, public=False, lang="fi")
    )


@router.post("/{material_id}/archive", status_code=status.HTTP_204_NO_CONTENT)
async def archive_material(
    material_id: uuid.UUID, engine: Engine, settings: Settings, staff: Editor
) -> None:
    await service.set_archived(
        engine,
        staff=staff,
        material_id=material_id,
        archived=True,
        base_url=settings.public_base_url,
    )


@router.post("/{material_id}/restore", status_code=status.HTTP_204_NO_CONTENT)
async def restore_material(
    material_id: uuid.UUID, engine: Engine, settings: Settings, staff: Editor
) -> None:
    await service.set_archived(
        engine,
        staff=staff,
        material_id=material_id,
        archived=False,
        base_url=settings.public_base_url,
    )
