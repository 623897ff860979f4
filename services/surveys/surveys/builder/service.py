"""Building surveys: create, change, read, duplicate, export and import as JSON."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from surveys.audit import audit
from surveys.builder import repository as definitions
from surveys.builder.domain.survey import dump_survey, parse_survey
from surveys.errors import Conflict, InvalidInput, NotFound
from surveys.unit_of_work import unit_of_work

EXPORT_FORMAT = "digituki-survey"
EXPORT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    role: str


def _view(survey_id: uuid.UUID, version: int, definition: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(survey_id), "version": version, "definition": definition}


async def create_survey(engine: AsyncEngine, *, definition: Any, actor: Actor) -> dict[str, Any]:
    survey = parse_survey(definition)
    clean = dump_survey(survey)
    survey_id = uuid.uuid4()
    async with unit_of_work(engine) as uow:
        await definitions.add_survey(uow.conn, survey_id, survey.title.get("fi"), clean)
        audit(
            uow,
            actor_id=actor.id,
            actor_role=actor.role,
            action="survey.created",
            target_type="survey",
            target_id=str(survey_id),
        )
        await uow.commit()
    return _view(survey_id, 1, clean)


async def update_survey(
    engine: AsyncEngine,
    survey_id: uuid.UUID,
    *,
    definition: Any,
    actor: Actor,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """With `expected_version`, a survey someone else changed meanwhile is a Conflict."""
    survey = parse_survey(definition)
    clean = dump_survey(survey)
    async with unit_of_work(engine) as uow:
        version = await definitions.save_survey(
            uow.conn,
            survey_id,
            survey.title.get("fi"),
            clean,
            expected_version=expected_version,
        )
        exists = version is None and await definitions.get_survey(uow.conn, survey_id)
        if exists and expected_version is not None:
            raise Conflict("The survey was changed meanwhile: reload the page.")
        if version is None:
            raise NotFound("No such survey.")
        audit(
            uow,
            actor_id=actor.id,
            actor_role=actor.role,
            action="survey.changed",
            target_type="survey",
            target_id=str(survey_id),
            details={"version": version},
        )
        await uow.commit()
    return _view(survey_id, version, clean)


async def get_survey(engine: AsyncEngine, survey_id: uuid.UUID) -> dict[str, Any]:
    async with engine.connect() as conn:
        row = await definitions.get_survey(conn, survey_id)
    if row is None:
        raise NotFound("No such survey.")
    return _view(row["id"], row["version"], row["definition"])


async def list_surveys(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        return await definitions.list_surveys(conn)


async def duplicate_survey(
    engine: AsyncEngine, survey_id: uuid.UUID, *, actor: Actor
) -> dict[str, Any]:
    original = await get_survey(engine, survey_id)
    copy = dict(original["definition"])
    copy["title"] = {k: f"{v} (2)" for k, v in copy["title"].items()}
    return await create_survey(engine, definition=copy, actor=actor)


async def export_survey(engine: AsyncEngine, survey_id: uuid.UUID) -> dict[str, Any]:
    survey = await get_survey(engine, survey_id)
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "survey": survey["definition"]}


async def import_survey(engine: AsyncEngine, *, document: Any, actor: Actor) -> dict[str, Any]:
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise InvalidInput(f'not a survey export (format "{EXPORT_FORMAT}")', field="/format")
    if document.get("version") != EXPORT_VERSION:
        raise InvalidInput(f"unknown export version (expected {EXPORT_VERSION})", field="/version")
    return await create_survey(engine, definition=document.get("survey"), actor=actor)


async def edit_survey(
    engine: AsyncEngine,
    survey_id: uuid.UUID,
    *,
    edit: Callable[[dict[str, Any]], dict[str, Any]],
    version: int,
    actor: Actor,
) -> dict[str, Any]:
    """One builder-page edit of the survey as it was at `version` (see `survey_edits`)."""
    current = await get_survey(engine, survey_id)
    if current["version"] != version:
        raise Conflict("The survey was changed meanwhile: reload the page.")
    return await update_survey(
        engine,
        survey_id,
        definition=edit(current["definition"]),
        actor=actor,
        expected_version=version,
    )
