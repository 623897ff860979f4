"""A survey as the builder keeps it: an id, a version and a definition that is always valid."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from surveys.builder.domain.survey import Survey, dump_survey, parse_survey
from surveys.errors import Conflict, InvalidInput

EXPORT_FORMAT = "digituki-survey"
EXPORT_VERSION = 1


def clean_definition(raw: Any) -> dict[str, Any]:
    """The definition in its canonical JSON form; InvalidInput (with a JSON pointer) if bad."""
    return dump_survey(parse_survey(raw))


@dataclass(frozen=True, slots=True)
class SavedSurvey:
    id: uuid.UUID
    version: int  # 1 when created, one more with every change
    definition: dict[str, Any]  # canonical: what clean_definition returns

    @classmethod
    def create(cls, raw: Any) -> SavedSurvey:
        return cls(id=uuid.uuid4(), version=1, definition=clean_definition(raw))

    @property
    def survey(self) -> Survey:
        return parse_survey(self.definition)

    @property
    def title(self) -> str:
        """The listing title (Finnish, else the first language given)."""
        return self.survey.title.get("fi")

    def revised(self, definition: dict[str, Any], *, expected_version: int | None) -> SavedSurvey:
        """The survey with a new (cleaned) definition. With `expected_version`, a survey someone
        else changed meanwhile is a Conflict."""
        if expected_version is not None and expected_version != self.version:
            raise Conflict("The survey was changed meanwhile: reload the page.")
        return replace(self, version=self.version + 1, definition=definition)

    def duplicate(self) -> SavedSurvey:
        """A new survey with this one's questions, titled "<title> (2)"."""
        copy = dict(self.definition)
        copy["title"] = {lang: f"{text} (2)" for lang, text in copy["title"].items()}
        return SavedSurvey.create(copy)

    def exported(self) -> dict[str, Any]:
        return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "survey": self.definition}

    def view(self) -> dict[str, Any]:
        return {"id": str(self.id), "version": self.version, "definition": self.definition}


def imported_definition(document: Any) -> Any:
    """The survey definition inside an export document (InvalidInput if it is not one)."""
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise InvalidInput(f'not a survey export (format "{EXPORT_FORMAT}")', field="/format")
    if document.get("version") != EXPORT_VERSION:
        raise InvalidInput(f"unknown export version (expected {EXPORT_VERSION})", field="/version")
    return document.get("survey")
