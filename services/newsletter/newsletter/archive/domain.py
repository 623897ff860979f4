"""Which campaigns the public archive shows, in plain Python."""

from __future__ import annotations

from newsletter.campaigns.domain import Campaign

# A campaign is in the archive once its deliveries exist (send started), never as a draft.
SENT_STATES = ("sending", "sent")


def in_public_archive(campaign: Campaign) -> bool:
    """Sending or sent (its send started), and not kept out of the archive by staff."""
    return (
        campaign.status in SENT_STATES
        and campaign.send_started_at is not None
        and campaign.in_archive
    )
