"""Staff API for organisations and topics."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from contacts.deps import Engine, actor_of
from contacts.organisations import service
from contacts.schemas import (
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    OrganisationsPage,
    TopicIn,
    TopicOut,
    TopicPatch,
)
from contacts.topics import service as topic_service
from shared.web.security import check_csrf
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/contacts", dependencies=[Depends(check_csrf)])


@router.post("/organisations", status_code=status.HTTP_201_CREATED, tags=["organisations"])
async def create_organisation(
    body: OrganisationIn, engine: Engine, staff: Editor
) -> OrganisationOut:
    org = await service.create_organisation(engine, actor=actor_of(staff), **body.model_dump())
    return OrganisationOut.of(org)


@router.get("/organisations", tags=["organisations"])
async def search_organisations(
    engine: Engine,
    staff: Viewer,
    q: Annotated[str, Query(max_length=200)] = "",
    type: str | None = None,
    region: str | None = None,
    municipality: str | None = None,
    status: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> OrganisationsPage:
    items, total = await service.search_organisations(
        engine,
        text=q,
        type=type,
        region=region,
        municipality=municipality,
        status=status,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    return OrganisationsPage(
        items=[OrganisationOut.of(o) for o in items], total=total, page=page, per_page=per_page
    )


@router.get("/organisations/{org_id}", tags=["organisations"])
async def read_organisation(org_id: uuid.UUID, engine: Engine, staff: Viewer) -> OrganisationOut:
    return OrganisationOut.of(await service.get_organisation(engine, org_id))


@router.patch("/organisations/{org_id}", tags=["organisations"])
async def change_organisation(
    org_id: uuid.UUID, body: OrganisationPatch, engine: Engine, staff: Editor
) -> OrganisationOut:
    org = await service.update_organisation(
        engine, org_id, actor=actor_of(staff), **body.model_dump(exclude_unset=True)
    )
    return OrganisationOut.of(org)


@router.delete(
    "/organisations/{org_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["organisations"]
)
async def delete_organisation(org_id: uuid.UUID, engine: Engine, staff: Editor) -> None:
    await service.delete_organisation(engine, org_id, actor=actor_of(staff))


@router.get("/topics", tags=["topics"])
async def list_topics(
    engine: Engine, staff: Viewer, include_archived: bool = False
) -> list[TopicOut]:
    topics = await topic_service.list_topics(engine, include_archived=include_archived)
    return [TopicOut.of(t) for t in topics]


@router.post("/topics", status_code=status.HTTP_201_CREATED, tags=["topics"])
async def create_topic(body: TopicIn, engine: Engine, staff: Editor) -> TopicOut:
    topic = await topic_service.create_topic(engine, actor=actor_of(staff), **body.model_dump())
    return TopicOut.of(topic)


@router.patch("/topics/{key}", tags=["topics"])
async def change_topic(key: str, body: TopicPatch, engine: Engine, staff: Editor) -> TopicOut:
    topic = await topic_service.update_topic(
        engine, key, actor=actor_of(staff), **body.model_dump(exclude_unset=True)
    )
    return TopicOut.of(topic)
