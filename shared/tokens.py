"""Signed, purpose-bound, expiring tokens for public links (with a key id for rotation).

A token made for one purpose (say `unsubscribe`) never verifies for another (`survey`), and
an old key keeps verifying the links already sent until it is retired.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenError(Exception):
    """The token is forged, of another purpose, or damaged."""


class TokenExpired(TokenError):
    pass


@dataclass(frozen=True)
class TokenKeys:
    """Signing keys by id; `current` signs, all of them verify."""

    keys: Mapping[str, str]
    current: str

    @classmethod
    def single(cls, secret: str, key_id: str = "k1") -> TokenKeys:
        return cls(keys={key_id: secret}, current=key_id)


@cache  # building a serializer derives keys; a mail signs several links
def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"digituki:{purpose}")


def sign(keys: TokenKeys, purpose: str, payload: Any) -> str:
    body = _serializer(keys.keys[keys.current], purpose).dumps(payload)
    return f"{keys.current}.{body}"


def verify(keys: TokenKeys, purpose: str, token: str, *, max_age_s: int | None) -> Any:
    key_id, _, body = token.partition(".")
    secret = keys.keys.get(key_id)
    if not body or secret is None:
        raise TokenError("unknown key or malformed token")
    try:
        return _serializer(secret, purpose).loads(body, max_age=max_age_s)
    except SignatureExpired as exc:
        raise TokenExpired("the link has expired") from exc
    except BadSignature as exc:
        raise TokenError("the link is not valid") from exc
