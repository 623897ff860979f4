"""API shapes of the materials library (writes take the staff form's fields: see form.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel


class FileOut(BaseModel):
    name: str
    ext: str
    size: int


class MaterialOut(BaseModel):
    id: uuid.UUID
    kind: str
    title: dict[str, str]
    description: dict[str, str]
    url: str | None
    file: FileOut | None
    topics: list[str]
    audiences: list[str]
    areas: list[str]
    published: bool
    archived: bool
    version: int
    created_at: datetime
    updated_at: datetime
    page_path: str
    open_path: str
