"""legal text versions, with the shipped defaults as version 1

Revision ID: 0010_legal_versions
Revises: 0009_onboarding_left_visits
Create Date: 2026-11-28 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_legal_versions"
down_revision: str | None = "0009_onboarding_left_visits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    legal_texts = op.create_table(
        "legal_texts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text_fi", sa.Text(), nullable=False),
        sa.Column("text_sv", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column(
            "published_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("published_by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_texts")),
    )
    op.create_index("ux_legal_texts_kind_version", "legal_texts", ["kind", "version"], unique=True)
    # The shipped texts become version 1 (read from the package, as they are at this release).
    from contacts.legal.domain.texts import LEGAL_KINDS, SHIPPED_AT, default_texts

    rows = []
    for kind in LEGAL_KINDS:
        texts = default_texts(kind)
        rows.append(
            {"kind": kind, "version": 1, "published_at": SHIPPED_AT}
            | {f"text_{lang}": text for lang, text in texts.items()}
        )
    assert legal_texts is not None
    op.bulk_insert(legal_texts, rows)


def downgrade() -> None:
    op.drop_index("ux_legal_texts_kind_version", table_name="legal_texts")
    op.drop_table("legal_texts")
