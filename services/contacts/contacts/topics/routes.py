"""Staff API for topics of interest: /api/contacts/topics."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status

from contacts.deps import Uow, actor_of
from contacts.topics import service as topic_service
from contacts.topics.schemas import TopicIn, TopicOut, TopicPatch
from shared.web.security import check_csrf
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/contacts", dependencies=[Depends(check_csrf)])


@router.get("/topics", tags=["topics"])
async def list_topics(uow: Uow, staff: Viewer, include_archived: bool = False) -> list[TopicOut]:
    topics = await topic_service.list_topics(uow, include_archived=include_archived)
    return [TopicOut.of(t) for t in topics]


@router.post("/topics", status_code=status.HTTP_201_CREATED, tags=["topics"])
async def create_topic(body: TopicIn, uow: Uow, staff: Editor) -> TopicOut:
    topic = await topic_service.create_topic(uow, actor=actor_of(staff), **body.model_dump())
    return TopicOut.of(topic)


@router.patch("/topics/{key}", tags=["topics"])
async def change_topic(key: str, body: TopicPatch, uow: Uow, staff: Editor) -> TopicOut:
    topic = await topic_service.update_topic(
        uow, key, actor=actor_of(staff), **body.model_dump(exclude_unset=True)
    )
    return TopicOut.of(topic)
