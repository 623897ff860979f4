"""Delivery rules: SMTP answers, backoff, VERP, suppression keys, rate limits."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
import uuid

from newsletter.bounces.domain import verp_ids
from newsletter.delivery.domain import (
    bounce_address,
    classify,
    is_relay_refusal,
    message_id,
    retry_delay_s,
)
from newsletter.delivery.ratelimit import Limits
from newsletter.suppression.domain import email_hmac, hmac_pads


def test_smtp_answers_map_to_sent_retry_or_hard_bounce() -> None:
    assert classify(250) == "sent"
    assert classify(451) == "deferred"
    assert classify(421) == "deferred"
    assert classify(None) == "deferred"  # no answer at all: the connection broke
    assert classify(550) == "bounced"


def test_a_relay_that_wants_a_login_is_not_a_bounce() -> None:
    assert is_relay_refusal(530, "5.7.0 Authentication required")
    assert is_relay_refusal(535, "5.7.8 Authentication credentials invalid")
    assert is_relay_refusal(554, "5.7.1 <a@b.fi>: Relay access denied")
    assert is_relay_refusal(454, "4.7.0 Temporary authentication failure")
    assert not is_relay_refusal(550, "5.1.1 <a@b.fi>: Recipient address rejected")
    assert not is_relay_refusal(554, "5.7.1 Message rejected as spam")


def test_retries_back_off_exponentially_up_to_a_ceiling() -> None:
    delays = [retry_delay_s(n, base_s=60, max_s=3600) for n in range(1, 9)]
    assert delays[:4] == [60, 120, 240, 480]
    assert max(delays) == 3600


def test_message_id_and_bounce_address_are_deterministic_per_delivery() -> None:
    d = uuid.uuid4()
    assert message_id(d, "digituki.fi") == message_id(d, "digituki.fi") == f"<{d}@digituki.fi>"
    # The one parser production runs (bounce intake) reads back what the sender writes.
    assert verp_ids([bounce_address(d, "digituki.fi")]) == (d,)
    assert verp_ids(["someone@digituki.fi"]) == ()


def test_suppression_key_is_case_insensitive_and_matches_rfc2104() -> None:
    key = b"k" * 10
    assert email_hmac(key, " Aino@Example.FI ") == email_hmac(key, "aino@example.fi")
    inner, outer = hmac_pads(key)
    manual = hashlib.sha256(outer + hashlib.sha256(inner + b"aino@example.fi").digest()).digest()
    assert manual == hmac.new(key, b"aino@example.fi", hashlib.sha256).digest()


async def test_rate_limit_per_domain_spaces_out_one_domain_only() -> None:
    limits = Limits(per_s=0, per_domain_per_s=20)
    start = time.monotonic()
    await asyncio.gather(*(limits.take("slow.example") for _ in range(30)))
    slow = time.monotonic() - start
    start = time.monotonic()
    await asyncio.gather(*(limits.take(f"d{i}.example") for i in range(30)))
    fast = time.monotonic() - start
    assert slow >= 0.4  # 20 in the first second's burst, 10 more at 20/s
    assert fast < 0.1
