"""Page numbers in lists: bounded, so `page=1e20` is a 422, never an offset PostgreSQL refuses."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

MAX_PAGE_NUMBER = 100_000

PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE_NUMBER)]
