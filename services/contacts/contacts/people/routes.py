"""Staff API for people: /api/contacts/people, with one person's timeline and GDPR export."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from contacts.audit.domain import Actor
from contacts.deps import Uow, actor_of
from contacts.people.schemas import PeoplePage, PersonIn, PersonOut, PersonPatch
from contacts.people.service import directory
from contacts.people.service import people as service
from contacts.unit_of_work import ContactsUnitOfWork
from shared.web.paging import PageNumber
from shared.web.sorting import Sort
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/contacts/people", tags=["people"])


@router.get("")
async def search_people(
    uow: Uow,
    staff: Viewer,
    q: Annotated[str, Query(max_length=200)] = "",
    organisation_type: str | None = None,
    region: str | None = None,
    municipality: str | None = None,
    membership: str | None = None,
    subscription: str | None = None,
    topic: str | None = None,
    organisation_id: uuid.UUID | None = None,
    tag: Annotated[str | None, Query(max_length=60)] = None,
    page: PageNumber = 1,
    per_page: Annotated[int, Query(ge=1, le=directory.MAX_PAGE)] = 50,
    sort: Annotated[
        str, Query(max_length=40, description="name, email, organisation, ...; '-' = descending")
    ] = "name",
) -> PeoplePage:
    order = Sort.parse(sort, directory.PEOPLE_SORTS, default="name")
    items, total = await directory.search_people(
        uow,
        sort=order.key,
        descending=order.descending,
        text=q,
        organisation_type=organisation_type,
        region=region,
        municipality=municipality,
        membership_state=membership,
        subscription_state=subscription,
        topic=topic,
        organisation_id=organisation_id,
        tag=tag,
        page=page,
        per_page=per_page,
    )
    return PeoplePage(items=items, total=total, page=page, per_page=per_page)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_person(body: PersonIn, uow: Uow, staff: Editor) -> PersonOut:
    person = await service.register_person(uow, **body.model_dump(), actor=actor_of(staff))
    return PersonOut.of(person)


@router.get("/{person_id}")
async def read_person(person_id: uuid.UUID, uow: Uow, staff: Viewer) -> PersonOut:
    return PersonOut.of(await service.get_person(uow, person_id))


@router.patch("/{person_id}")
async def change_person(
    person_id: uuid.UUID, body: PersonPatch, uow: Uow, staff: Editor
) -> PersonOut:
    person = await service.update_person(
        uow, person_id, **body.model_dump(exclude_unset=True), actor=actor_of(staff)
    )
    return PersonOut.of(person)


@router.delete("/{person_id}", status_code=status.HTTP_204_NO_CONTENT)
async def erase_person(person_id: uuid.UUID, uow: Uow, staff: Editor) -> None:
    await service.erase_person(uow, person_id, actor=actor_of(staff), path="api")


@router.get("/{person_id}/timeline")
async def timeline(person_id: uuid.UUID, uow: Uow, staff: Viewer) -> list[dict[str, Any]]:
    return jsonable_encoder(await directory.timeline(uow, person_id))  # type: ignore[no-any-return]


@router.get("/{person_id}/export")
async def export(person_id: uuid.UUID, uow: Uow, staff: Viewer) -> JSONResponse:
    """Everything held about the person, as a JSON download; the export itself is audited."""
    return await export_download(person_id, uow, actor_of(staff))


async def export_download(
    person_id: uuid.UUID, uow: ContactsUnitOfWork, actor: Actor
) -> JSONResponse:
    """The download the API and the person page both give."""
    data = await directory.export_person(uow, person_id, actor=actor)
    return JSONResponse(
        jsonable_encoder(data),
        headers={"Content-Disposition": f'attachment; filename="person-{person_id}.json"'},
    )
