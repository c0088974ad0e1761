"""Per-outlet reads go through the appearances (0004): the articles' outlet index, which they
read before, is dropped (it was kept up to date on every insert and read by nothing).

Revision ID: 0005_appearance_outlets
Revises: 0004_appearances
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = "0005_appearance_outlets"
down_revision = "0004_appearances"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_outlet_covering")


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(
            "ix_articles_outlet_covering",
            ["outlet", "published", "words", "newest_analysis_id"],
            unique=False,
        )
