"""API bodies of the builder's routes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class SurveyIn(BaseModel):
    definition: dict[str, Any]
