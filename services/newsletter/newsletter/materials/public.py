"""The public materials library: /materials (search and filters, fi/sv/en), a material's
page, its counted open link and its file. No JavaScript needed.

`/materials/{id}/open` leads only to the material's own stored address or its file here,
never to an address from the request, so it is no open redirect; it counts the open per
material, month and source (`?via=newsletter` from a newsletter link, else public) and
nothing about the person."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import RedirectResponse, Response
from newsletter.composer.form import topic_label
from newsletter.deps import Uow
from newsletter.errors import NotFound
from newsletter.materials import service
from newsletter.materials.domain import AUDIENCES, KINDS, shown_language, text_in
from newsletter.materials.labels import area_choices, labels
from newsletter.rendering import pages, public_language

router = APIRouter(tags=["materials"], include_in_schema=False)
FILE_NAME = re.compile(r"(?P<digest>[0-9a-f]{16})\.(?P<ext>[a-z0-9]{2,5})")
NO_STORE = {"Cache-Control": "no-store, private", "Referrer-Policy": "no-referrer"}
# Short: an archived material's file should not stay in caches for long.
FILE_CACHE = "public, max-age=3600"


def _not_found(request: Request, lang: str) -> Response:
    return pages.render(
        request, "pages/material_missing.html", lang=lang, status_code=status.HTTP_404_NOT_FOUND
    )


@router.get("/materials")
async def materials_page(
    request: Request,
    uow: Uow,
    q: str = Query("", max_length=200),
    kind: str = Query("", max_length=20),
    topic: str = Query("", max_length=80),
    area: str = Query("", max_length=40),
) -> Response:
    lang = public_language(request)
    filters = service.Filters(query=q, kind=kind, topic=topic, area=area)
    found = await service.listing(uow, public=True, lang=lang, filters=filters)
    topics = await service.topics_in_use(uow)
    return pages.render(
        request,
        "pages/materials.html",
        {
            "materials": found,
            "filters": filters.cleaned(),
            "searched": bool(q or kind or topic or area),
            "kinds": KINDS,
            "audiences": AUDIENCES,
            "topics": [(t, topic_label(t)) for t in topics],
            "areas": area_choices(lang),
            "labels": labels(lang),
            "text_in": text_in,
            "shown_language": shown_language,
        },
        lang=lang,
    )


@router.get("/materials/{material_id}")
async def material_page(material_id: uuid.UUID, request: Request, uow: Uow) -> Response:
    lang = public_language(request)
    try:
        found = await service.one(uow, material_id, public=True, lang=lang)
    except NotFound:
        return _not_found(request, lang)
    return pages.render(
        request,
        "pages/material.html",
        {
            "m": found,
            "labels": labels(lang),
            "topic_label": topic_label,
            "title_lang": shown_language(found["title"], lang),
            "description_lang": shown_language(found["description"], lang),
        },
        lang=lang,
    )


@router.get("/materials/{material_id}/open")
async def open_material(
    material_id: uuid.UUID,
    request: Request,
    uow: Uow,
    via: str = Query("", max_length=20),
) -> Response:
    try:
        target = await service.open_material(
            uow, material_id, source="newsletter" if via == "newsletter" else "public"
        )
    except NotFound:
        return _not_found(request, public_language(request))
    return RedirectResponse(target, status_code=status.HTTP_302_FOUND, headers=NO_STORE)


@router.head("/materials/{material_id}/open")
async def check_material_link(material_id: uuid.UUID, uow: Uow) -> Response:
    """The composer's link check asks with HEAD first: answered without counting an open."""
    try:
        await service.one(uow, material_id, public=True, lang="fi")
    except NotFound:
        return Response(status_code=status.HTTP_404_NOT_FOUND)
    return Response(status_code=status.HTTP_200_OK, headers=NO_STORE)


@router.get("/materials/{material_id}/file/{file_name}")
async def material_file(
    material_id: uuid.UUID, file_name: str, request: Request, uow: Uow
) -> Response:
    """The file by its content hash (a new file is a new address)."""
    m = FILE_NAME.fullmatch(file_name)
    if m is None:
        return _not_found(request, public_language(request))
    try:
        served = await service.serve_file(uow, material_id, m["digest"], m["ext"])
    except NotFound:
        return _not_found(request, public_language(request))
    return file_response(served, request)


def file_response(served: service.Served, request: Request) -> Response:
    disposition = "inline" if served.inline else "attachment"
    headers = {
        "Cache-Control": FILE_CACHE,
        "ETag": served.etag,
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(served.name)}",
    }
    if request.headers.get("if-none-match") == served.etag:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(served.data, media_type=served.content_type, headers=headers)
