"""Covering indexes for outlet profiles: an outlet's articles (published date, words, newest
analysis) and each analysis' headline (persuasion score, span count, genre) read from indexes
alone, not from rows that also hold the text and the serialised analysis.

Revision ID: 0003_covering_indexes
Revises: 0002_query_indexes
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0003_covering_indexes"
down_revision = "0002_query_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_outlet_published")
        batch_op.create_index(
            "ix_articles_outlet_covering",
            ["outlet", "published", "words", "newest_analysis_id"],
            unique=False,
        )
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_analyses_headline", ["id", "persuasion_score", "spans", "genre"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.drop_index("ix_analyses_headline")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_outlet_covering")
        batch_op.create_index("ix_articles_outlet_published", ["outlet", "published"], unique=False)
