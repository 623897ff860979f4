"""Staff workspace pages served by contacts."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from contacts.dashboard.pages.charts import render_dashboard
from contacts.deps import Engine
from shared.web.staff import Viewer

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/")
async def home(request: Request, engine: Engine, staff: Viewer) -> Response:
    request.state.staff = staff
    return await render_dashboard(request, engine)
