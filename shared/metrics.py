"""Prometheus metrics shared by every service (served on /metrics of the web process;
workers expose theirs on <SERVICE>_WORKER_METRICS_PORT when set)."""

from __future__ import annotations

from prometheus_client import Counter

OUTBOX_PUBLISHED = Counter(
    "digituki_outbox_published_total", "Events published by the outbox relay", ["service"]
)
EVENTS_CONSUMED = Counter(
    "digituki_events_consumed_total", "Records handled by a consumer", ["consumer", "outcome"]
)
