"""Request shapes of the merge API."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from contacts.merging.domain import CHOICES


class MergeIn(BaseModel):
    keep_id: uuid.UUID
    merge_id: uuid.UUID
    from_other: list[str] = Field(default=[], max_length=len(CHOICES))
