"""Send progress from delivery counts: rate over the last minute and the ETA it gives."""

from __future__ import annotations

from newsletter.statistics.domain import format_eta, progress_of


def test_eta_is_what_remains_at_the_last_minutes_rate() -> None:
    p = progress_of({"sent": 900, "bounced": 5, "failed": 5, "pending": 1200, "suppressed": 3}, 600)
    assert (p.total, p.sent, p.failed, p.remaining, p.other) == (2113, 900, 10, 1200, 3)
    assert p.rate_per_min == 600 and p.eta_s == 120 and not p.done
    assert format_eta(p.eta_s) == "0:02:00"


def test_no_recent_outcomes_means_no_estimate_and_nothing_pending_means_done() -> None:
    stalled = progress_of({"pending": 10}, 0)
    assert stalled.eta_s is None and stalled.percent == 0
    done = progress_of({"sent": 7}, 7)
    assert done.done and done.eta_s is None and done.percent == 100
    assert format_eta(None) == "–" and format_eta(3725) == "1:02:05"
