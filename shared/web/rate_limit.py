"""A per-key token bucket, in memory (per web process): public forms limit each client IP.

Per process: with N web processes a client gets up to N times the rate, and a restart forgets.
Good enough against one noisy script; a shared limit would live in the proxy or PostgreSQL.
"""

from __future__ import annotations

import time
from collections import OrderedDict


class TokenBucket:
    def __init__(self, *, burst: int, per_minute: float, max_keys: int = 100_000) -> None:
        self.burst = float(burst)
        self.rate_per_s = per_minute / 60.0
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str, *, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate_per_s)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        while len(self._buckets) > self.max_keys:  # forget the least recently seen
            self._buckets.popitem(last=False)
        return allowed
