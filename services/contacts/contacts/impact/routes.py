"""The impact chain's API: /api/contacts/impact (Viewer) and its yearly targets (Editor)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from contacts.deps import Uow, actor_of
from contacts.impact import service as impact
from contacts.impact.schemas import ImpactOut, TargetIn, TargetOut
from contacts.impact.service import FIRST_YEAR, LAST_YEAR
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/contacts/impact", tags=["impact"])
Indicator = Annotated[str, Path(max_length=50)]


@router.get("")
async def impact_figures(
    uow: Uow, staff: Viewer, year: Annotated[int, Query(ge=FIRST_YEAR, le=LAST_YEAR)]
) -> ImpactOut:
    """Every indicator of the impact chain for a year: the year's figure, each month's, the
    target, progress, trend and the regions or types that lag."""
    return ImpactOut.of(await impact.impact_view(uow, year=year))


@router.put("/targets/{indicator}/{year}")
async def set_target(
    indicator: Indicator,
    year: Annotated[int, Path(ge=FIRST_YEAR, le=LAST_YEAR)],
    body: TargetIn,
    uow: Uow,
    staff: Editor,
) -> TargetOut:
    """Set an indicator's target for a year: a count, or a per cent (0–100); audited."""
    value = await impact.set_target(
        uow, actor=actor_of(staff), indicator=indicator, year=year, target=str(body.target)
    )
    return TargetOut(indicator=indicator, year=year, target=value)
