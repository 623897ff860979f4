"""Public tracking routes: the open pixel /t/o/{token}.gif and the click redirect /t/c/{token}."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from newsletter.deps import Settings, Uow
from newsletter.rendering import pages, public_language
from newsletter.tracking import service

router = APIRouter(tags=["tracking"], include_in_schema=False)

PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
NO_STORE = {"Cache-Control": "no-store, private", "Referrer-Policy": "no-referrer"}


@router.get("/t/o/{token}.gif")
async def open_pixel(token: str, uow: Uow, settings: Settings) -> Response:
    try:
        await service.record_open(uow, keys=settings.token_keys(), token=token)
    except service.BadTrackingLink:
        return Response(PIXEL, status_code=400, media_type="image/gif", headers=NO_STORE)
    return Response(PIXEL, media_type="image/gif", headers=NO_STORE)


@router.get("/t/c/{token}", response_model=None)
async def click(token: str, request: Request, uow: Uow, settings: Settings) -> Response:
    try:
        url = await service.record_click(uow, keys=settings.token_keys(), token=token)
    except service.BadTrackingLink:
        return pages.render(
            request, "pages/link_invalid.html", lang=public_language(request), status_code=400
        )
    return RedirectResponse(url, status_code=302, headers=NO_STORE)
