"""Public-link tokens: purpose-bound, expiring, rotatable."""

from __future__ import annotations

import time

import pytest

from shared.tokens import TokenError, TokenExpired, TokenKeys, sign, verify

KEYS = TokenKeys.single("a" * 40)


def test_a_token_verifies_for_its_own_purpose_only() -> None:
    token = sign(KEYS, "unsubscribe", {"c": "123"})
    assert verify(KEYS, "unsubscribe", token, max_age_s=60) == {"c": "123"}
    with pytest.raises(TokenError):
        verify(KEYS, "survey", token, max_age_s=60)


def test_a_changed_token_is_refused() -> None:
    token = sign(KEYS, "unsubscribe", {"c": "123"})
    with pytest.raises(TokenError):
        verify(
            KEYS, "unsubscribe", token[:-2] + ("A" if token[-1] != "A" else "B") + "x", max_age_s=60
        )


def test_an_old_token_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both sides read `time.time()`: the clock moves on instead of the test sleeping.
    monkeypatch.setattr(time, "time", lambda: 1_790_000_000.0)
    token = sign(KEYS, "confirm", "x")
    assert verify(KEYS, "confirm", token, max_age_s=5) == "x"
    monkeypatch.setattr(time, "time", lambda: 1_790_000_006.0)
    with pytest.raises(TokenExpired):
        verify(KEYS, "confirm", token, max_age_s=5)


def test_rotation_keeps_old_links_valid_and_signs_with_the_new_key() -> None:
    old = sign(KEYS, "confirm", "x")
    rotated = TokenKeys(keys={"k1": "a" * 40, "k2": "b" * 40}, current="k2")
    assert verify(rotated, "confirm", old, max_age_s=60) == "x"
    assert sign(rotated, "confirm", "x").startswith("k2.")
    with pytest.raises(TokenError):
        verify(TokenKeys.single("b" * 40, "k2"), "confirm", old, max_age_s=60)


@pytest.mark.parametrize(
    "payload",
    [
        {"c": "0b0c4a7e-4d5e-4a53-9c61-2a8f0a6c1e55"},
        {"d": "x", "u": "https://digituki.example/ä?a=1&b=2"},
        "x" * 300,  # compresses: the "." form
        ["å", 1, None, True],
        0,
    ],
)
def test_signing_writes_exactly_what_the_library_writes(
    payload: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from itsdangerous import URLSafeTimedSerializer

    monkeypatch.setattr(time, "time", lambda: 1_790_000_000.7)
    library = URLSafeTimedSerializer("a" * 40, salt="digituki:unsubscribe").dumps(payload)
    assert sign(KEYS, "unsubscribe", payload) == f"k1.{library}"
    assert verify(KEYS, "unsubscribe", sign(KEYS, "unsubscribe", payload), max_age_s=None) == (
        payload
    )
