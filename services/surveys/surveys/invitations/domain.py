"""Invitations: who may be asked (REACHABLE), an invitee to mail, and personal survey links, a
signed token (purpose "survey") of the invitation id and a nonce.

Only sha256(nonce) is stored, so the database alone cannot make a working link.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from shared.tokens import TokenError, TokenKeys, sign, verify

PURPOSE = "survey"

# Who may be asked at all, in the segment rule language (the SQL of the invitation queries and
# the in-memory fake both use it): survey consent, confirmed, a working address.
REACHABLE: dict[str, Any] = {
    "all": [
        {"field": "survey_consent", "op": "eq", "value": True},
        {"field": "confirmed_at", "op": "exists", "value": True},
        {"field": "email_status", "op": "eq", "value": "ok"},
        {"field": "email", "op": "exists", "value": True},
    ]
}


@dataclass(frozen=True, slots=True)
class Invitee:
    """A person to mail a personal link to (an invitation, or a reminder of one)."""

    id: uuid.UUID  # the invitation's
    nonce: str  # goes into the link; only its hash is stored
    contact_id: uuid.UUID
    email: str
    first_name: str | None
    last_name: str | None
    language: str
    reminders_sent: int = 0


@dataclass(frozen=True, slots=True)
class LinkClaim:
    invitation_id: uuid.UUID
    token_hash: bytes


def hash_nonce(nonce: str) -> bytes:
    return hashlib.sha256(nonce.encode()).digest()


def make_token(keys: TokenKeys, invitation_id: uuid.UUID, nonce: str) -> str:
    return sign(keys, PURPOSE, {"i": str(invitation_id), "n": nonce})


def survey_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/s/{token}"


def read_token(keys: TokenKeys, token: str, *, max_age_s: int) -> LinkClaim:
    """The claim of a link; TokenError (forged) or TokenExpired otherwise."""
    payload = verify(keys, PURPOSE, token, max_age_s=max_age_s)
    if not isinstance(payload, dict) or not isinstance(payload.get("n"), str):
        raise TokenError("the link is not valid")
    try:
        invitation_id = uuid.UUID(str(payload.get("i")))
    except ValueError as exc:
        raise TokenError("the link is not valid") from exc
    return LinkClaim(invitation_id, hash_nonce(payload["n"]))
