"""Campaigns' domain: content (blocks per language) and the campaign's life cycle."""

from newsletter.campaigns.domain.campaign import (
    COPIED,
    DELIVERY_MOVES,
    STATUSES,
    TEST,
    TRANSITIONS,
    Audience,
    Campaign,
    Recipient,
    audience_rule,
    next_status,
)
from newsletter.campaigns.domain.content import (
    BLOCK_TYPES,
    MAX_TEXT,
    MEDIA_PATH,
    PLACEHOLDER,
    PLACEHOLDERS,
    Block,
    Variant,
    parse_block,
    parse_content,
)

__all__ = [
    "BLOCK_TYPES",
    "COPIED",
    "DELIVERY_MOVES",
    "MAX_TEXT",
    "MEDIA_PATH",
    "PLACEHOLDER",
    "PLACEHOLDERS",
    "STATUSES",
    "TEST",
    "TRANSITIONS",
    "Audience",
    "Block",
    "Campaign",
    "Recipient",
    "Variant",
    "audience_rule",
    "next_status",
    "parse_block",
    "parse_content",
]
