"""Staff workspace pages served by contacts."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from contacts.web.deps import Engine
from contacts.web.staff_dashboard import render_dashboard
from shared.web.staff import Viewer

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/")
async def home(request: Request, engine: Engine, staff: Viewer) -> Response:
    request.state.staff = staff
    return await render_dashboard(request, engine)
