"""Ballot box rules: which sealed ballots move to the results, and how a ballot is sealed.

An anonymous answer is not written to `responses` when it is given: it waits in the box, sealed
(AES-GCM under a key derived from the service's link secret, which the database does not hold)
and padded to one length per survey, so a reader of the database learns neither its content nor
its size while it waits. The box is emptied by the worker's schedule, never by a submission:
- while the campaign is open, only when it holds at least 2k ballots, and then a random
  selection of all but k of them (so every batch, the last one included, has at least k);
- once the campaign has closed, all of them.
A batch is opened, shuffled and written as responses in one transaction dated by the day only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.tokens import TokenKeys
from surveys.builder.domain.survey import Question, Survey
from surveys.responding.domain import MAX_LONG, MAX_SHORT

T = TypeVar("T")
NONCE_BYTES = 12
BLOCK = 1024
# Per character of free text: JSON may escape a control character as \u00XX (6 bytes).
WORST_BYTES_PER_CHAR = 6
_AAD = b"digituki:ballot-box:v1"


class BallotUnreadable(Exception):
    """No key of the installation opens this ballot (the link secret was replaced)."""


def to_move(waiting: int, *, k: int, closed: bool) -> int:
    """How many of `waiting` ballots move now (see the module docstring)."""
    if waiting <= 0:
        return 0
    if closed:
        return waiting
    return waiting - k if waiting >= 2 * k else 0


def pick(items: Sequence[T], count: int, rng: random.Random) -> list[T]:
    """`count` of `items`, chosen at random and in random order."""
    return rng.sample(list(items), count)


def padded_size(survey: Survey) -> int:
    """The one length every ballot of this survey is padded to: room for the longest valid
    answers, so a ballot's size says nothing about what it holds."""
    total = 16 + sum(_room(q) for q in survey.questions())
    return -(-total // BLOCK) * BLOCK


def _room(q: Question) -> int:
    key = 8 + WORST_BYTES_PER_CHAR * len(q.id)
    text = WORST_BYTES_PER_CHAR
    choices = [c.value for c in q.choices] + (["other"] if q.other else [])
    longest = max((len(c) for c in choices), default=0)
    other = key + 8 + text * MAX_SHORT if q.other else 0
    if q.type == "long_text":
        return key + text * MAX_LONG
    if q.type == "multiple":
        return key + sum(4 + text * len(c) for c in choices) + other
    if q.type in ("single", "dropdown"):
        return key + 4 + text * longest + other
    if q.type == "matrix":
        return key + sum(16 + text * len(r.value) for r in q.rows)
    if q.type in ("scale", "nps", "number", "date"):
        return key + 40
    return key + text * MAX_SHORT  # short text and anything new


@dataclass(frozen=True, slots=True)
class BallotSeal:
    """Seals and opens ballots with keys derived from the link secrets (all open, current seals)."""

    keys: dict[str, bytes]
    current: str

    @classmethod
    def from_token_keys(cls, token_keys: TokenKeys) -> BallotSeal:
        derived = {
            key_id: hmac.new(secret.encode(), _AAD, hashlib.sha256).digest()
            for key_id, secret in token_keys.keys.items()
        }
        return cls(derived, token_keys.current)

    def seal(self, answers: dict[str, Any], size: int) -> bytes:
        plain = json.dumps(answers, ensure_ascii=False, separators=(",", ":")).encode()
        body = len(plain).to_bytes(4, "big") + plain
        # Never refuse an answer: one longer than the room (cannot happen for valid answers)
        # gets the next block up.
        padded = body.ljust(max(size, -(-len(body) // BLOCK) * BLOCK), b"\0")
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self.keys[self.current]).encrypt(nonce, padded, _AAD)

    def open(self, sealed: bytes) -> dict[str, Any]:
        nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        for key in self.keys.values():
            try:
                padded = AESGCM(key).decrypt(nonce, body, _AAD)
            except InvalidTag:
                continue  # sealed under another key of the installation
            length = int.from_bytes(padded[:4], "big")
            answers: dict[str, Any] = json.loads(padded[4 : 4 + length])
            return answers
        raise BallotUnreadable("no key opens this ballot")


SEALED_DRAFT = "~sealed"  # not a possible question id


def seal_draft(seal: BallotSeal, answers: dict[str, Any], size: int) -> dict[str, Any]:
    """An anonymous draft as stored: sealed like a ballot, so the partial answers kept under a
    link's hash cannot be matched to the response they become."""
    return {SEALED_DRAFT: base64.b64encode(seal.seal(answers, size)).decode()}


def open_draft(seal: BallotSeal, stored: dict[str, Any]) -> dict[str, Any]:
    """The answers of a stored draft (one kept before drafts were sealed is plain)."""
    sealed = stored.get(SEALED_DRAFT)
    if not isinstance(sealed, str):
        return dict(stored)
    return seal.open(base64.b64decode(sealed))
