"""API shapes of the media library."""

from __future__ import annotations

from pydantic import BaseModel


class AltIn(BaseModel):
    fi: str = ""
    sv: str = ""
    en: str = ""
