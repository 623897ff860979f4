"""Staff API for organisations and people's links to them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from contacts.deps import Uow, actor_of
from contacts.organisations import service
from contacts.organisations.schemas import (
    LinkEnd,
    LinkIn,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    OrganisationsPage,
)
from shared.web.paging import PageNumber
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/contacts")


@router.post("/organisations", status_code=status.HTTP_201_CREATED, tags=["organisations"])
async def create_organisation(body: OrganisationIn, uow: Uow, staff: Editor) -> OrganisationOut:
    org = await service.create_organisation(uow, actor=actor_of(staff), **body.model_dump())
    return OrganisationOut.of(org)


@router.get("/organisations", tags=["organisations"])
async def search_organisations(
    uow: Uow,
    staff: Viewer,
    q: Annotated[str, Query(max_length=200)] = "",
    type: str | None = None,
    region: str | None = None,
    municipality: str | None = None,
    status: str | None = None,
    include_archived: bool = False,
    page: PageNumber = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> OrganisationsPage:
    items, total = await service.search_organisations(
        uow,
        text=q,
        type=type,
        region=region,
        municipality=municipality,
        status=status,
        archived=None if include_archived else False,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    return OrganisationsPage(
        items=[OrganisationOut.of(o) for o in items], total=total, page=page, per_page=per_page
    )


@router.get("/organisations/{org_id}", tags=["organisations"])
async def read_organisation(org_id: uuid.UUID, uow: Uow, staff: Viewer) -> OrganisationOut:
    return OrganisationOut.of(await service.get_organisation(uow, org_id))


@router.patch("/organisations/{org_id}", tags=["organisations"])
async def change_organisation(
    org_id: uuid.UUID, body: OrganisationPatch, uow: Uow, staff: Editor
) -> OrganisationOut:
    org = await service.update_organisation(
        uow, org_id, actor=actor_of(staff), **body.model_dump(exclude_unset=True)
    )
    return OrganisationOut.of(org)


@router.delete(
    "/organisations/{org_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["organisations"]
)
async def delete_organisation(org_id: uuid.UUID, uow: Uow, staff: Editor) -> None:
    await service.delete_organisation(uow, org_id, actor=actor_of(staff))


@router.post(
    "/people/{person_id}/organisations", status_code=status.HTTP_201_CREATED, tags=["people"]
)
async def link_organisation(
    person_id: uuid.UUID, body: LinkIn, uow: Uow, staff: Editor
) -> dict[str, str]:
    link_id = await service.link_person(
        uow,
        person_id,
        organisation_id=body.organisation_id,
        role=body.role,
        start=body.start_date,
        end=body.end_date,
        actor=actor_of(staff),
    )
    return {"id": str(link_id)}


@router.post(
    "/people/{person_id}/organisations/{link_id}/end",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["people"],
)
async def end_link(
    person_id: uuid.UUID, link_id: uuid.UUID, body: LinkEnd, uow: Uow, staff: Editor
) -> None:
    await service.end_link(uow, person_id, link_id, end=body.end_date, actor=actor_of(staff))
