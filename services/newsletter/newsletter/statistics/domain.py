"""A campaign's send progress from its delivery rows: counts, current rate and ETA."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

RATE_WINDOW_S = 60
FAILED = ("bounced", "failed")


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    failed: int
    remaining: int
    other: int  # suppressed or cancelled: never to be sent
    rate_per_min: int  # outcomes recorded over the last minute
    eta_s: int | None  # None: done, or nothing finished in the last minute

    @property
    def done(self) -> bool:
        return self.remaining == 0

    @property
    def percent(self) -> int:
        handled = self.total - self.remaining
        return 100 if self.total == 0 else handled * 100 // self.total

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"done": self.done, "percent": self.percent}


def progress_of(counts: Mapping[str, int], finished_last_minute: int) -> Progress:
    """`counts` per delivery status; mails still pending over the rate gives the ETA."""
    total = sum(counts.values())
    sent = counts.get("sent", 0)
    failed = sum(counts.get(s, 0) for s in FAILED)
    remaining = counts.get("pending", 0)
    rate = finished_last_minute * 60 // RATE_WINDOW_S
    eta = None
    if remaining and rate:
        eta = -(-remaining * 60 // rate)  # whole seconds, rounded up
    return Progress(
        total=total,
        sent=sent,
        failed=failed,
        remaining=remaining,
        other=total - sent - failed - remaining,
        rate_per_min=rate,
        eta_s=eta,
    )


def format_eta(seconds: int | None) -> str:
    if seconds is None:
        return "–"
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


@dataclass(frozen=True)
class Rate:
    """One rate of a campaign: `numerator` of `denominator`, both named for the reader."""

    key: str
    name: str
    numerator: int
    numerator_label: str
    denominator: int
    denominator_label: str
    tracked: bool = True  # False: opens and clicks are not recorded for this campaign

    @property
    def percent(self) -> float | None:
        if not self.tracked or self.denominator == 0:
            return None
        return round(100 * self.numerator / self.denominator, 1)


def rates(stats: Mapping[str, Any]) -> list[Rate]:
    """Delivery, open, click, click-to-open, unsubscribe and bounce rates, in that order.

    Delivered mails are the base of engagement; delivery and bounce rates are of the mails
    sent (delivered + bounced, as the delivery chart counts them); opens and clicks count
    recipients (unique), not events."""
    delivered = int(stats["sent"])
    bounced = int(stats["bounces"])
    attempted = delivered + bounced
    opens = int(stats["opens"]["unique"])
    clicks = int(stats["clicks"]["unique"])
    tracked = bool(stats["tracking"])
    return [
        Rate("delivery", "Delivery rate", delivered, "Delivered", attempted, "Sent"),
        Rate("open", "Open rate", opens, "Opened", delivered, "Delivered", tracked),
        Rate("click", "Click rate", clicks, "Clicked", delivered, "Delivered", tracked),
        Rate("click_to_open", "Click-to-open rate", clicks, "Clicked", opens, "Opened", tracked),
        Rate(
            "unsubscribe",
            "Unsubscribe rate",
            int(stats["unsubscribes"]),
            "Unsubscribed",
            delivered,
            "Delivered",
        ),
        Rate("bounce", "Bounce rate", bounced, "Bounced", attempted, "Sent"),
    ]
