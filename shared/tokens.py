"""Signed, purpose-bound, expiring tokens for public links (with a key id for rotation).

A token made for one purpose (say `unsubscribe`) never verifies for another (`survey`), and
an old key keeps verifying the links already sent until it is retired.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import zlib
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


@cache
def _mac(secret: str, purpose: str) -> hmac.HMAC:
    """The keyed HMAC the serializer would derive anew for every token (its default
    "django-concat" key derivation, SHA-1), derived once; copied per token."""
    # SHA-1 as itsdangerous uses it (HMAC-SHA1, still sound for a MAC): the same tokens.
    salt = f"digituki:{purpose}".encode()
    key = hashlib.sha1(salt + b"signer" + secret.encode()).digest()  # noqa: S324
    return hmac.new(key, digestmod=hashlib.sha1)


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def sign(keys: TokenKeys, purpose: str, payload: Any) -> str:
    """Exactly what `URLSafeTimedSerializer(secret, salt=...).dumps(payload)` writes (and
    `verify` reads), without building a signer and deriving its key per token: mails sign
    two or more links each (tests/unit/test_tokens.py holds it to the library's output)."""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    compressed = zlib.compress(data)
    body = b"." + _b64(compressed) if len(compressed) < len(data) - 1 else _b64(data)
    now = int(time.time())
    value = body + b"." + _b64(now.to_bytes(8, "big").lstrip(b"\x00"))
    mac = _mac(keys.keys[keys.current], purpose).copy()
    mac.update(value)
    return f"{keys.current}.{(value + b'.' + _b64(mac.digest())).decode()}"


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
