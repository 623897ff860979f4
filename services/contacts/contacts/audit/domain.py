"""Who acts: a staff member as the proxy vouched for it (plain Python)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """A staff member as the proxy vouched for it; None in a use case means the person."""

    id: str
    role: str


THE_PERSON = "the person themselves"
RETENTION = Actor(id="system:retention", role="system")
ERASURE_PATHS = ("api", "person page", "preference centre", "bulk action", "retention")


def erasure_details(actor: Actor | None, path: str, **ids: str) -> dict[str, str]:
    """What a `person.erased` entry says: who (the staff id is the entry's actor; the person
    erasing themselves has none), by which path, and ids only: never a name or an address."""
    if path not in ERASURE_PATHS:
        raise ValueError(f"unknown erasure path {path!r}")
    erased_by = THE_PERSON if actor is None else actor.id
    return {"erased_by": erased_by, "path": path, **ids}
