"""Surveys's replica of contacts' segment definitions (see shared/segments/replica.py)."""

from __future__ import annotations

from shared.segments.replica import SegmentReplica
from surveys.tables import segments as table

replica = SegmentReplica(table)
upsert = replica.upsert
active = replica.active
by_ids = replica.by_ids
rules = replica.rules
