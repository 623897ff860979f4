"""Response shapes and query parameters of the audit API and page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel

PER_PAGE = 50
MAX_PER_PAGE = 200
Text = Annotated[str, Query(max_length=200)]


class AuditPage(BaseModel):
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
