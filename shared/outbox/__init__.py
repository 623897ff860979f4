"""Transactional outbox (events leave only with the change that caused them) and inbox."""

from shared.outbox.inbox import claim_event, prune_inbox
from shared.outbox.tables import inbox_table, outbox_table
from shared.outbox.writer import add_to_outbox, notify_channel

__all__ = [
    "add_to_outbox",
    "claim_event",
    "inbox_table",
    "notify_channel",
    "outbox_table",
    "prune_inbox",
]
