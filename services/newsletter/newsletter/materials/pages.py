"""The materials library's staff pages: the list, a new material, a material's page (its
figures and, for editors, its form), archive and restore. No JavaScript needed."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from newsletter.composer import service as composer
from newsletter.composer.form import topic_choices
from newsletter.deps import Settings, Uow
from newsletter.errors import InvalidInput, NotFound
from newsletter.materials import service
from newsletter.materials.domain import (
    ARCHIVE_CHANGES,
    AUDIENCES,
    KINDS,
    LANGUAGES,
    ArchiveChange,
)
from newsletter.materials.form import empty_values, input_of, upload_of, values_of
from newsletter.materials.labels import area_choices, labels
from newsletter.materials.public import FILE_NAME, file_response
from newsletter.rendering import pages, staff_language

from shared.web.staff import Editor, Staff, Viewer

router = APIRouter(prefix="/newsletter/staff/materials", include_in_schema=False)
BASE = "/newsletter/staff/materials"


async def _form_context(uow: Uow, lang: str, values: dict[str, Any]) -> dict[str, Any]:
    known = await composer.known_topics(uow)
    return {
        "values": values,
        "languages": LANGUAGES,
        "kinds": KINDS,
        "audiences": AUDIENCES,
        "areas": area_choices(lang),
        "topics": topic_choices(known, values["topics"]),
        "labels": labels(lang),
    }


async def _edit_page(
    request: Request,
    uow: Uow,
    staff: Staff,
    *,
    material: dict[str, Any] | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    request.state.staff = staff
    lang = staff_language(request)
    context = await _form_context(uow, lang, values)
    figures = await service.figures(uow, material["id"]) if material else None
    return pages.render(
        request,
        "pages/staff_material.html",
        context
        | {
            "material": material,
            "figures": figures,
            "may_edit": staff.may("editor"),
            "errors": errors or {},
            "saved": request.query_params.get("saved", ""),
        },
        lang=lang,
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
async def list_page(request: Request, uow: Uow, staff: Viewer) -> Response:
    request.state.staff = staff
    lang = staff_language(request)
    return pages.render(
        request,
        "pages/staff_materials.html",
        {
            "materials": await service.listing(uow, public=False, lang=lang),
            "labels": labels(lang),
            "may_edit": staff.may("editor"),
        },
        lang=lang,
    )


@router.get("/new", response_class=HTMLResponse)
async def new_page(request: Request, uow: Uow, staff: Editor) -> Response:
    return await _edit_page(request, uow, staff, material=None, values=empty_values())


@router.post("/new")
async def create_page(request: Request, uow: Uow, settings: Settings, staff: Editor) -> Response:
    form = await request.form()
    given = input_of(form)
    try:
        material_id = await service.create(
            uow,
            staff=staff,
            given=given,
            upload=await upload_of(form, settings.material_max_bytes),
            max_bytes=settings.material_max_bytes,
            base_url=settings.public_base_url,
        )
    except InvalidInput as exc:
        return await _edit_page(
            request,
            uow,
            staff,
            material=None,
            values=values_of(given),
            errors={exc.field or "kind": exc.message},
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    return RedirectResponse(f"{BASE}/{material_id}?saved=created", status.HTTP_303_SEE_OTHER)


@router.get("/{material_id}", response_class=HTMLResponse)
async def material_page(
    material_id: uuid.UUID, request: Request, uow: Uow, staff: Viewer
) -> Response:
    found = await service.one(uow, material_id, public=False, lang=staff_language(request))
    return await _edit_page(request, uow, staff, material=found, values=found)


@router.post("/{material_id}")
async def save_page(
    material_id: uuid.UUID,
    request: Request,
    uow: Uow,
    settings: Settings,
    staff: Editor,
) -> Response:
    form = await request.form()
    given = input_of(form)
    try:
        await service.edit(
            uow,
            staff=staff,
            material_id=material_id,
            given=given,
            upload=await upload_of(form, settings.material_max_bytes),
            max_bytes=settings.material_max_bytes,
            base_url=settings.public_base_url,
        )
    except InvalidInput as exc:
        found = await service.one(uow, material_id, public=False, lang="fi")
        return await _edit_page(
            request,
            uow,
            staff,
            material=found,
            values=values_of(given) | {"file": found["file"]},
            errors={exc.field or "kind": exc.message},
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    return RedirectResponse(f"{BASE}/{material_id}?saved=saved", status.HTTP_303_SEE_OTHER)


def _archive_page(change: ArchiveChange) -> None:
    """POST /{id}/archive and /{id}/restore: the one use case, as the API calls it."""

    @router.post(f"/{{material_id}}/{change.word}", name=f"{change.word}_page")
    async def archive_or_restore(
        material_id: uuid.UUID, uow: Uow, settings: Settings, staff: Editor
    ) -> Response:
        await service.set_archived(
            uow,
            staff=staff,
            material_id=material_id,
            archived=change.archived,
            base_url=settings.public_base_url,
        )
        return RedirectResponse(
            f"{BASE}/{material_id}?saved={change.done}", status.HTTP_303_SEE_OTHER
        )


for _change in ARCHIVE_CHANGES:
    _archive_page(_change)


@router.get("/{material_id}/file/{file_name}")
async def staff_file(
    material_id: uuid.UUID, file_name: str, request: Request, uow: Uow, staff: Viewer
) -> Response:
    """The file of any material, published or not, for staff to check."""
    m = FILE_NAME.fullmatch(file_name)
    if m is None:
        raise NotFound("No such file.")
    served = await service.serve_file(uow, material_id, m["digest"], m["ext"], staff=True)
    return file_response(served, request)
