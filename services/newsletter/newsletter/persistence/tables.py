"""Newsletter' schema (the migrations are generated from and checked against this)."""

from __future__ import annotations

from shared.db import new_metadata
from shared.outbox import inbox_table, outbox_table
from shared.snapshot import contact_snapshot_table

metadata = new_metadata()

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
# Replica of contacts.contact.v1: audiences are computed from it, never from contacts' database.
contact_snapshot = contact_snapshot_table(metadata)
