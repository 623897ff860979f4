"""The builder's use cases on the in-memory unit of work: versions, conflicts, audit events."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from surveys.builder import service as builder
from surveys.builder.service import Actor
from surveys.errors import Conflict, InvalidInput, NotFound

from shared.events.topics import STAFF_AUDIT, SURVEYS
from tests.unit.fakes.surveys import FakeSurveysUnitOfWork

EDITOR = Actor(id="staff-1", role="editor")
DEFINITION: dict[str, Any] = {
    "title": {"fi": "Tukitarpeet", "en": "Support needs"},
    "pages": [{"questions": [{"id": "uses", "type": "short_text", "text": "Mitä?"}]}],
}


async def test_created_survey_is_version_one_and_audited() -> None:
    uow = FakeSurveysUnitOfWork()
    created = await builder.create_survey(uow, definition=DEFINITION, actor=EDITOR)
    assert created["version"] == 1
    stored = uow.surveys.rows[uuid.UUID(created["id"])]
    assert stored.title == "Tukitarpeet"
    # The audit entry and the survey's snapshot (surveys.survey.v1), in one transaction.
    assert uow.topics() == [STAFF_AUDIT.name, SURVEYS.name]
    assert uow.published[0][2].data["action"] == "survey.created"


async def test_an_invalid_definition_is_refused_and_nothing_is_stored_or_published() -> None:
    uow = FakeSurveysUnitOfWork()
    with pytest.raises(InvalidInput):
        await builder.create_survey(uow, definition={"title": {}}, actor=EDITOR)
    assert uow.surveys.rows == {}
    assert uow.published == []


async def test_each_change_raises_the_version_by_one() -> None:
    uow = FakeSurveysUnitOfWork()
    created = await builder.create_survey(uow, definition=DEFINITION, actor=EDITOR)
    changed = copy.deepcopy(DEFINITION)
    changed["title"]["fi"] = "Uusi nimi"
    survey_id = uuid.UUID(created["id"])
    first = await builder.update_survey(uow, survey_id, definition=changed, actor=EDITOR)
    second = await builder.update_survey(uow, survey_id, definition=changed, actor=EDITOR)
    assert (first["version"], second["version"]) == (2, 3)
    assert uow.surveys.rows[survey_id].title == "Uusi nimi"


async def test_a_change_made_on_an_old_version_is_a_conflict() -> None:
    uow = FakeSurveysUnitOfWork()
    created = await builder.create_survey(uow, definition=DEFINITION, actor=EDITOR)
    survey_id = uuid.UUID(created["id"])
    await builder.update_survey(uow, survey_id, definition=DEFINITION, actor=EDITOR)
    with pytest.raises(Conflict):
        await builder.update_survey(
            uow, survey_id, definition=DEFINITION, actor=EDITOR, expected_version=1
        )
    assert uow.surveys.rows[survey_id].version == 2


async def test_changing_a_missing_survey_is_not_found() -> None:
    with pytest.raises(NotFound):
        await builder.update_survey(
            FakeSurveysUnitOfWork(), uuid.uuid4(), definition=DEFINITION, actor=EDITOR
        )


async def test_builder_edit_applies_to_the_version_the_editor_saw() -> None:
    uow = FakeSurveysUnitOfWork()
    created = await builder.create_survey(uow, definition=DEFINITION, actor=EDITOR)
    survey_id = uuid.UUID(created["id"])

    def retitle(definition: dict[str, Any]) -> dict[str, Any]:
        return {**definition, "title": {"fi": "Muokattu"}}

    edited = await builder.edit_survey(uow, survey_id, edit=retitle, version=1, actor=EDITOR)
    assert edited["definition"]["title"] == {"fi": "Muokattu"}
    with pytest.raises(Conflict):
        await builder.edit_survey(uow, survey_id, edit=retitle, version=1, actor=EDITOR)


async def test_duplicate_is_a_new_survey_titled_with_a_two() -> None:
    uow = FakeSurveysUnitOfWork()
    created = await builder.create_survey(uow, definition=DEFINITION, actor=EDITOR)
    copy_ = await builder.duplicate_survey(uow, uuid.UUID(created["id"]), actor=EDITOR)
    assert copy_["id"] != created["id"]
    assert copy_["version"] == 1
    assert copy_["definition"]["title"]["fi"] == "Tukitarpeet (2)"
    assert len(uow.surveys.rows) == 2


async def test_export_imports_back_as_the_same_definition() -> None:
    uow = FakeSurveysUnitOfWork()
    created = await builder.create_survey(uow, definition=DEFINITION, actor=EDITOR)
    document = await builder.export_survey(uow, uuid.UUID(created["id"]))
    imported = await builder.import_survey(uow, document=document, actor=EDITOR)
    assert imported["definition"] == created["definition"]
    with pytest.raises(InvalidInput):
        await builder.import_survey(uow, document={**document, "version": 99}, actor=EDITOR)
