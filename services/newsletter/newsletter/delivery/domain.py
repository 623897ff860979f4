"""Delivery rules: what an SMTP answer means, when to try again, the per-mail identities."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

# held: the relay failed before the mail was tried (TLS, login): it waits, and the attempt
# does not count against the recipient.
Outcome = Literal["sent", "deferred", "bounced", "failed", "held"]
LANGUAGES = ("fi", "sv", "en")
TRANSACTIONAL_PRIORITY, CAMPAIGN_PRIORITY = 0, 1


@dataclass(frozen=True)
class Result:
    """What became of one delivery attempt."""

    delivery_id: uuid.UUID
    outcome: Outcome
    code: int | None = None
    detail: str | None = None
    retry_in_s: float = 0.0  # held: when the relay is to be tried again


def classify(code: int | None) -> Outcome:
    """2xx accepted; 5xx permanent (a hard bounce); 4xx and no answer at all: try again."""
    if code is not None and 200 <= code < 300:
        return "sent"
    if code is not None and 500 <= code < 600:
        return "bounced"
    return "deferred"


# RFC 4954: 530 authentication required, 534 mechanism too weak, 535 credentials invalid,
# 538 encryption required; 454 a temporary authentication failure.
_RELAY_LOGIN_CODES = frozenset({454, 530, 534, 535, 538})


def is_relay_refusal(code: int, message: str) -> bool:
    """A refusal that says we may not use the relay (no or a wrong login), not that the
    recipient is unknown: held, never a bounce. Postfix answers a client that should have
    logged in with `554 5.7.1 <rcpt>: Relay access denied` to each RCPT; as a bounce, a
    forgotten SMTP_USERNAME would suppress the whole audience."""
    return code in _RELAY_LOGIN_CODES or "relay access denied" in message.lower()


def retry_delay_s(attempts: int, *, base_s: float, max_s: float) -> float:
    """Exponential backoff after the n-th failed attempt (1, 2, ...)."""
    return float(min(max_s, base_s * 2 ** max(0, attempts - 1)))


def message_id(delivery_id: uuid.UUID, domain: str) -> str:
    """The same Message-ID however often the mail is tried: receivers can drop duplicates."""
    return f"<{delivery_id}@{domain}>"


def bounce_address(delivery_id: uuid.UUID, domain: str) -> str:
    """VERP envelope sender: a bounce names the delivery it is about."""
    return f"bounces+{delivery_id.hex}@{domain}"


def recipient_domain(email: str) -> str:
    return email.rpartition("@")[2].lower()
