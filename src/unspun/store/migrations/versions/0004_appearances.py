"""Appearances: a text published by several outlets (wire copy) is one article with one
appearance per outlet and url, so that per-outlet counts find it in each. Every existing
article becomes one appearance (its outlet, url, published date and title).

The downgrade drops the table: an article keeps the metadata of its first appearance (which
the ``articles`` row always held), and its other appearances are lost.

Revision ID: 0004_appearances
Revises: 0003_covering_indexes
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_appearances"
down_revision = "0003_covering_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appearances",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "article_pk", sa.Integer(), sa.ForeignKey("articles.pk", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("outlet", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        "INSERT INTO appearances (article_pk, outlet, url, published, title, added_at) "
        "SELECT pk, outlet, url, published, title, added_at FROM articles ORDER BY pk"
    )
    op.create_index("ix_appearances_outlet", "appearances", ["outlet", "published", "article_pk"])
    op.create_index("ix_appearances_article", "appearances", ["article_pk", "published"])
    op.create_index("ix_appearances_url", "appearances", ["url"])


def downgrade() -> None:
    op.drop_index("ix_appearances_url", table_name="appearances")
    op.drop_index("ix_appearances_article", table_name="appearances")
    op.drop_index("ix_appearances_outlet", table_name="appearances")
    op.drop_table("appearances")
