"""Newsletter's replica of contacts' segment definitions (see shared/segments/replica.py)."""

from __future__ import annotations

from newsletter.tables import segments as table
from shared.segments.replica import SegmentReplica

replica = SegmentReplica(table)
upsert = replica.upsert
active = replica.active
by_ids = replica.by_ids
rules = replica.rules
