"""Who acts: a staff member as the proxy vouched for it (plain Python)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """A staff member as the proxy vouched for it; None in a use case means the person."""

    id: str
    role: str
