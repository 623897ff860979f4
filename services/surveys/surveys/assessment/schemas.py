"""API bodies of the self-assessment routes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel


class NewAssessmentIn(BaseModel):
    mode: Literal["anonymous", "identified"] = "anonymous"


class AssessmentIn(BaseModel):
    """The whole definition (see docs/self-assessment.md), the mode and whether it is open."""

    definition: dict[str, Any]
    mode: Literal["anonymous", "identified"]
    published: bool = False
