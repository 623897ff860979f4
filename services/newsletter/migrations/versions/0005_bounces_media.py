"""bounces and delivery follow-ups: no schema change (bounces reuse deliveries/suppressions)

Revision ID: 0005_bounces_media
Revises: 0004_composer
Create Date: 2026-11-28 15:52:00.000000
"""

from collections.abc import Sequence

revision: str = "0005_bounces_media"
down_revision: str | None = "0004_composer"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Kept in the chain (0006 follows it); the media library's tables were not built."""


def downgrade() -> None:
    pass
