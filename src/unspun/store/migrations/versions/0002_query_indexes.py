"""Indexes for the queries at 100,000 articles: covering indexes of spans and labels by analysis,
and on PostgreSQL the newest-first order of the article list (published DESC NULLS LAST, pk DESC).

Revision ID: 0002_query_indexes
Revises: 0001_initial
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0002_query_indexes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("spans", schema=None) as batch_op:
        batch_op.drop_index("ix_spans_analysis")
        batch_op.create_index("ix_spans_analysis_technique", ["analysis_id", "technique"], unique=False)
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.drop_index("ix_labels_analysis")
        batch_op.create_index("ix_labels_analysis_task", ["analysis_id", "task", "name"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # SQLite sorts NULL first, so its (published, pk) index read backwards is already this order.
        op.execute("CREATE INDEX ix_articles_newest_first ON articles (published DESC NULLS LAST, pk DESC)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_articles_newest_first")
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.drop_index("ix_labels_analysis_task")
        batch_op.create_index("ix_labels_analysis", ["analysis_id"], unique=False)
    with op.batch_alter_table("spans", schema=None) as batch_op:
        batch_op.drop_index("ix_spans_analysis_technique")
        batch_op.create_index("ix_spans_analysis", ["analysis_id"], unique=False)
