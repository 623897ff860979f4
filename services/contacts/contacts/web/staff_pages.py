"""Staff workspace pages served by contacts."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from contacts.web.pages import pages, staff_language
from shared.web.staff import Viewer

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/")
async def home(request: Request, staff: Viewer) -> Response:
    request.state.staff = staff
    return pages.render(request, "staff_home.html", lang=staff_language(request))
