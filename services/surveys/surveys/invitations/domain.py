"""Invitations: who may be asked (REACHABLE), an invitee to mail, and personal survey links.

A personal link is an opaque random token (64 hex digits): it shows nothing, not even which
invitation it belongs to, and only its sha256 is stored, so the database alone cannot make a
working link. Links mailed before opaque tokens (a signed payload "k1.<base64 JSON>...", whose
invitation id anyone can read) keep working until they expire or the campaign closes.
"""

from __future__ import annotations

import hashlib
import re
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
    contact_id: uuid.UUID | None  # None: an event's attendee who is not a contact
    email: str
    first_name: str | None
    last_name: str | None
    language: str
    reminders_sent: int = 0


@dataclass(frozen=True, slots=True)
class LinkClaim:
    """What a link says: the hash of its token and, for an old signed link only, the invitation."""

    invitation_id: uuid.UUID | None
    token_hash: bytes


OPAQUE = re.compile(r"[0-9a-f]{64}")


def hash_nonce(nonce: str) -> bytes:
    return hashlib.sha256(nonce.encode()).digest()


def make_token(nonce: str) -> str:
    """The link's token: the nonce itself, which only the mail ever holds."""
    return nonce


def make_signed_token(keys: TokenKeys, invitation_id: uuid.UUID, nonce: str) -> str:
    """The old link format (readable invitation id), still accepted; made only by tests."""
    return sign(keys, PURPOSE, {"i": str(invitation_id), "n": nonce})


def survey_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/s/{token}"


def read_token(keys: TokenKeys, token: str, *, max_age_s: int) -> LinkClaim:
    """The claim of a link; TokenError (forged) or TokenExpired otherwise."""
    if OPAQUE.fullmatch(token):
        return LinkClaim(None, hash_nonce(token))
    payload = verify(keys, PURPOSE, token, max_age_s=max_age_s)
    if not isinstance(payload, dict) or not isinstance(payload.get("n"), str):
        raise TokenError("the link is not valid")
    try:
        invitation_id = uuid.UUID(str(payload.get("i")))
    except ValueError as exc:
        raise TokenError("the link is not valid") from exc
    return LinkClaim(invitation_id, hash_nonce(payload["n"]))
