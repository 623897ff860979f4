"""A browser's slot on a campaign's public link: only the hash of its cookie token, whether it
has answered, and nothing about a person (shaped like the invitation a response session reads)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Slot:
    token_hash: bytes
    answered: bool
    language: None = None
    contact_id: None = None
