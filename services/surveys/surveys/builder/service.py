"""Building surveys: create, change, read, duplicate, export and import as JSON.

Every use case takes the surveys unit of work and opens its transaction itself."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from surveys.audit import audit
from surveys.builder.domain.saved import SavedSurvey, clean_definition, imported_definition
from surveys.builder.snapshot import publish_snapshot
from surveys.errors import Conflict, NotFound
from surveys.unit_of_work import SurveysUnitOfWork


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    role: str


async def create_survey(uow: SurveysUnitOfWork, *, definition: Any, actor: Actor) -> dict[str, Any]:
    survey = SavedSurvey.create(definition)
    async with uow:
        await _add(uow, survey, actor)
        await uow.commit()
    return survey.view()


async def _add(uow: SurveysUnitOfWork, survey: SavedSurvey, actor: Actor) -> None:
    await uow.surveys.add(survey)
    audit(
        uow,
        actor_id=actor.id,
        actor_role=actor.role,
        action="survey.created",
        target_type="survey",
        target_id=str(survey.id),
    )
    publish_snapshot(uow, survey)


async def update_survey(
    uow: SurveysUnitOfWork,
    survey_id: uuid.UUID,
    *,
    definition: Any,
    actor: Actor,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """With `expected_version`, a survey someone else changed meanwhile is a Conflict."""
    clean = clean_definition(definition)  # a bad definition is refused first
    async with uow:
        current = await uow.surveys.get(survey_id, for_update=True)
        if current is None:
            raise NotFound("No such survey.")
        revised = current.revised(clean, expected_version=expected_version)
        await uow.surveys.update(revised)
        audit(
            uow,
            actor_id=actor.id,
            actor_role=actor.role,
            action="survey.changed",
            target_type="survey",
            target_id=str(survey_id),
            details={"version": revised.version},
        )
        publish_snapshot(uow, revised)
        await uow.commit()
    return revised.view()


async def _get(uow: SurveysUnitOfWork, survey_id: uuid.UUID) -> SavedSurvey:
    survey = await uow.surveys.get(survey_id)
    if survey is None:
        raise NotFound("No such survey.")
    return survey


async def get_survey(uow: SurveysUnitOfWork, survey_id: uuid.UUID) -> dict[str, Any]:
    async with uow:
        return (await _get(uow, survey_id)).view()


async def list_surveys(uow: SurveysUnitOfWork) -> list[dict[str, Any]]:
    async with uow:
        return await uow.surveys.listing()


async def duplicate_survey(
    uow: SurveysUnitOfWork, survey_id: uuid.UUID, *, actor: Actor
) -> dict[str, Any]:
    async with uow:
        copy = (await _get(uow, survey_id)).duplicate()
        await _add(uow, copy, actor)
        await uow.commit()
    return copy.view()


async def export_survey(uow: SurveysUnitOfWork, survey_id: uuid.UUID) -> dict[str, Any]:
    async with uow:
        return (await _get(uow, survey_id)).exported()


async def import_survey(uow: SurveysUnitOfWork, *, document: Any, actor: Actor) -> dict[str, Any]:
    return await create_survey(uow, definition=imported_definition(document), actor=actor)


async def edit_survey(
    uow: SurveysUnitOfWork,
    survey_id: uuid.UUID,
    *,
    edit: Callable[[dict[str, Any]], dict[str, Any]],
    version: int,
    actor: Actor,
) -> dict[str, Any]:
    """One builder-page edit of the survey as it was at `version` (see `builder.domain.edits`)."""
    async with uow:
        current = await _get(uow, survey_id)
    if current.version != version:
        raise Conflict("The survey was changed meanwhile: reload the page.")
    return await update_survey(
        uow, survey_id, definition=edit(current.definition), actor=actor, expected_version=version
    )
