"""Staff API of self-assessments: /api/surveys/assessments."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, status

from shared.web.staff import Editor, Staff, Viewer
from surveys.assessment import service
from surveys.assessment.domain import DefinitionError
from surveys.assessment.schemas import AssessmentIn, NewAssessmentIn
from surveys.deps import Settings, UnitOfWork, actor
from surveys.errors import InvalidInput
from surveys.unit_of_work import SurveysUnitOfWork

router = APIRouter(prefix="/api/surveys/assessments", tags=["self-assessment"])


def _actor(staff: Staff) -> service.Actor:
    a = actor(staff)
    return service.Actor(id=a.id, role=a.role)


async def _view(uow: SurveysUnitOfWork, settings: Any, assessment_id: uuid.UUID) -> dict[str, Any]:
    loaded = await service.load(uow, assessment_id=assessment_id)
    return {
        "id": str(assessment_id),
        "definition": loaded.stored.definition,
        "mode": loaded.stored.mode,
        "published": loaded.stored.published,
        "version": loaded.stored.version,
        "public_url": service.public_url(
            settings.public_base_url, settings.token_keys(), assessment_id
        )
        if loaded.stored.published
        else None,
    }


@router.get("")
async def list_assessments(uow: UnitOfWork, staff: Viewer) -> list[dict[str, Any]]:
    return await service.listing(uow)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_assessment(
    body: NewAssessmentIn, uow: UnitOfWork, settings: Settings, staff: Editor
) -> dict[str, Any]:
    assessment_id = await service.create_assessment(uow, actor=_actor(staff), mode=body.mode)
    return await _view(uow, settings, assessment_id)


@router.get("/{assessment_id}")
async def read_assessment(
    assessment_id: uuid.UUID, uow: UnitOfWork, settings: Settings, staff: Viewer
) -> dict[str, Any]:
    return await _view(uow, settings, assessment_id)


@router.put("/{assessment_id}")
async def save_assessment(
    assessment_id: uuid.UUID, body: AssessmentIn, uow: UnitOfWork, settings: Settings, staff: Editor
) -> dict[str, Any]:
    try:
        await service.save_assessment(
            uow,
            assessment_id,
            definition=body.definition,
            mode=body.mode,
            published=body.published,
            actor=_actor(staff),
        )
    except DefinitionError as exc:
        raise InvalidInput(exc.message, field=exc.where) from exc
    return await _view(uow, settings, assessment_id)


@router.get("/{assessment_id}/figures")
async def figures(
    assessment_id: uuid.UUID, uow: UnitOfWork, staff: Viewer, by: str = "region"
) -> dict[str, Any]:
    """Average percent per area by group; groups under the minimum are only counted."""
    found = await service.figures(uow, assessment_id=assessment_id, by=by)
    aggregates = found["aggregates"]
    return {
        "by": by,
        "min_group": 5,
        "hidden_groups": aggregates.hidden_groups,
        "groups": [asdict(g) for g in aggregates.groups],
        "total": asdict(aggregates.total) if aggregates.total else None,
    }
