"""Staff API of the survey builder: /api/surveys/surveys."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, status
from fastapi.responses import JSONResponse

from shared.web.security import check_csrf
from shared.web.staff import Editor, Viewer
from surveys.builder import service as builder
from surveys.builder.schemas import SurveyIn
from surveys.deps import UnitOfWork, actor

router = APIRouter(
    prefix="/api/surveys/surveys", tags=["surveys"], dependencies=[Depends(check_csrf)]
)


@router.get("")
async def list_surveys(uow: UnitOfWork, staff: Viewer) -> list[dict[str, Any]]:
    return await builder.list_surveys(uow)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_survey(body: SurveyIn, uow: UnitOfWork, staff: Editor) -> dict[str, Any]:
    return await builder.create_survey(uow, definition=body.definition, actor=actor(staff))


@router.post("/import", status_code=status.HTTP_201_CREATED)
async def import_survey(
    uow: UnitOfWork, staff: Editor, document: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    return await builder.import_survey(uow, document=document, actor=actor(staff))


@router.get("/{survey_id}")
async def read_survey(survey_id: uuid.UUID, uow: UnitOfWork, staff: Viewer) -> dict[str, Any]:
    return await builder.get_survey(uow, survey_id)


@router.put("/{survey_id}")
async def change_survey(
    survey_id: uuid.UUID, body: SurveyIn, uow: UnitOfWork, staff: Editor
) -> dict[str, Any]:
    return await builder.update_survey(
        uow, survey_id, definition=body.definition, actor=actor(staff)
    )


@router.post("/{survey_id}/duplicate", status_code=status.HTTP_201_CREATED)
async def duplicate_survey(survey_id: uuid.UUID, uow: UnitOfWork, staff: Editor) -> dict[str, Any]:
    return await builder.duplicate_survey(uow, survey_id, actor=actor(staff))


@router.get("/{survey_id}/export")
async def export_survey(survey_id: uuid.UUID, uow: UnitOfWork, staff: Viewer) -> JSONResponse:
    document = await builder.export_survey(uow, survey_id)
    return JSONResponse(
        document,
        headers={"Content-Disposition": f'attachment; filename="survey-{survey_id}.json"'},
    )
