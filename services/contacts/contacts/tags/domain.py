"""Tags: free labels staff put on people (e.g. "speaker 2025"), unique case-insensitively."""

from __future__ import annotations

from contacts.errors import InvalidInput

MAX_TAG = 60


def clean_tag(raw: str) -> str:
    """The tag as it will be shown and stored: inner whitespace collapsed, 1-60 characters."""
    name = " ".join(raw.split())
    if not name:
        raise InvalidInput("A tag needs a name.", field="tag")
    if len(name) > MAX_TAG:
        raise InvalidInput(f"A tag is at most {MAX_TAG} characters.", field="tag")
    return name
