"""Send-rate limits: a token bucket overall and one per recipient domain."""

from __future__ import annotations

import asyncio
import time


class Bucket:
    def __init__(self, rate_per_s: float) -> None:
        self.rate = rate_per_s
        self.capacity = max(1.0, rate_per_s)  # at most one second's worth in a burst
        self.tokens = self.capacity
        self.last = time.monotonic()

    async def take(self) -> None:
        while True:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens >= 1:
                self.tokens -= 1
                return
            await asyncio.sleep((1 - self.tokens) / self.rate)


class Limits:
    """Per process: with N worker processes the installation's rate is N times this."""

    MAX_DOMAINS = 10_000

    def __init__(self, per_s: float, per_domain_per_s: float) -> None:
        self._overall = Bucket(per_s) if per_s > 0 else None
        self._per_domain = per_domain_per_s
        self._domains: dict[str, Bucket] = {}

    async def take(self, domain: str) -> None:
        if self._per_domain > 0:
            bucket = self._domains.get(domain)
            if bucket is None:
                if len(self._domains) >= self.MAX_DOMAINS:
                    self._domains.clear()  # idle buckets are full anyway: forgetting is safe
                bucket = self._domains[domain] = Bucket(self._per_domain)
            await bucket.take()
        if self._overall is not None:
            await self._overall.take()
