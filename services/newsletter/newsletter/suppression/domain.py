"""Suppression keys: an HMAC of the lower-cased address, never the address itself.

The list must outlive erasure (a complainer re-imported later is still never mailed), so it
holds only what cannot be turned back into an address without the key.
"""

from __future__ import annotations

import hashlib
import hmac

BLOCK = 64  # SHA-256 block size: HMAC pads the key to it


def email_hmac(key: bytes, email: str) -> bytes:
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).digest()


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """(inner, outer) padded keys, so SQL can compute the same HMAC with sha256() alone:
    HMAC(k, m) = sha256(outer || sha256(inner || m)) (RFC 2104)."""
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)
