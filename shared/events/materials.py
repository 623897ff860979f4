"""Events published by the newsletter's materials library."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field

from shared.events.envelope import EventData

MaterialKind = Literal["guide", "recording", "slides", "other"]


class MaterialV1(EventData):
    """A material of the programme as the public sees it (compacted topic, key = material id;
    the newest record of a key is the material now). Never tombstoned: an archived or
    unpublished material keeps its record with `published = false` / `archived = true`, so
    replicas stop linking to it.

    `url` is the public open link (`/materials/{id}/open`, which counts the open and leads to
    the file or the outside address); `page_url` the material's page. Titles by language
    (fi/sv/en, at least one); `competence_areas` are keys of shared/competence_areas.py,
    `topics` the contacts topic keys."""

    event_type = "fi.digituki.newsletter.material.v1"

    material_id: uuid.UUID
    version: int
    kind: MaterialKind
    title: dict[str, str] = Field(default_factory=dict)
    url: str
    page_url: str
    competence_areas: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    audiences: list[str] = Field(default_factory=list)
    published: bool
    archived: bool
