"""Staff API for segments: /api/contacts/segments (Viewer reads, Editor changes)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from contacts.deps import Uow, actor_of
from contacts.segments import service
from contacts.segments.domain import MAX_SEGMENT_DESCRIPTION, MAX_SEGMENT_NAME, Segment
from shared.segments import RuleError
from shared.web.security import check_csrf
from shared.web.staff import Editor, Viewer

router = APIRouter(
    prefix="/api/contacts/segments", tags=["segments"], dependencies=[Depends(check_csrf)]
)


class SegmentIn(BaseModel):
    name: str = Field(max_length=MAX_SEGMENT_NAME)
    description: str = Field("", max_length=MAX_SEGMENT_DESCRIPTION)
    rule: dict[str, Any]


class SegmentPatch(BaseModel):
    name: str | None = Field(None, max_length=MAX_SEGMENT_NAME)
    description: str | None = Field(None, max_length=MAX_SEGMENT_DESCRIPTION)
    rule: dict[str, Any] | None = None
    archived: bool | None = None


class SegmentOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    rule: dict[str, Any]
    version: int
    archived: bool
    created_by: str | None
    updated_by: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, segment: Segment) -> SegmentOut:
        return cls(**segment.__dict__)


class PreviewIn(BaseModel):
    rule: Any


class PreviewOut(BaseModel):
    count: int
    sample: list[dict[str, Any]]


def rule_problem(error: RuleError) -> JSONResponse:
    """422 naming the bad part of the rule as a JSON pointer."""
    return JSONResponse(
        {"detail": error.message, "path": error.path or "/", "field": "rule"},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


@router.get("")
async def list_segments(
    uow: Uow, staff: Viewer, include_archived: bool = False
) -> list[SegmentOut]:
    found = await service.list_segments(uow, include_archived=include_archived)
    return [SegmentOut.of(s) for s in found]


@router.post("/preview", response_model=PreviewOut)
async def preview(body: PreviewIn, uow: Uow, staff: Viewer) -> Any:
    try:
        result = await service.preview(uow, body.rule)
    except RuleError as error:
        return rule_problem(error)
    return PreviewOut(count=result.count, sample=result.sample)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SegmentOut)
async def create_segment(body: SegmentIn, uow: Uow, staff: Editor) -> Any:
    try:
        segment = await service.create_segment(uow, actor=actor_of(staff), **body.model_dump())
    except RuleError as error:
        return rule_problem(error)
    return SegmentOut.of(segment)


@router.get("/{segment_id}")
async def read_segment(segment_id: uuid.UUID, uow: Uow, staff: Viewer) -> SegmentOut:
    return SegmentOut.of(await service.get_segment(uow, segment_id))


@router.patch("/{segment_id}", response_model=SegmentOut)
async def change_segment(segment_id: uuid.UUID, body: SegmentPatch, uow: Uow, staff: Editor) -> Any:
    try:
        segment = await service.update_segment(
            uow,
            segment_id,
            actor=actor_of(staff),
            **body.model_dump(exclude_unset=True),
        )
    except RuleError as error:
        return rule_problem(error)
    return SegmentOut.of(segment)


@router.delete("/{segment_id}")
async def archive_segment(segment_id: uuid.UUID, uow: Uow, staff: Editor) -> SegmentOut:
    """Archived, not deleted: campaigns and replicas may still refer to it."""
    segment = await service.update_segment(uow, segment_id, actor=actor_of(staff), archived=True)
    return SegmentOut.of(segment)
